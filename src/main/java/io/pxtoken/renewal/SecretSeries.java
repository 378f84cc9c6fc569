package io.pxtoken.renewal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import io.prometheus.client.Collector;

/**
 * The per-Secret series ({@code name}, {@code namespace}) of {@link RenewalMetrics}, read from its states when
 * Prometheus scrapes: nothing is kept per Secret beyond the state itself. As Micrometer gauges, each managed Secret
 * cost four meters twice over (the composite registry's and Prometheus's, with their ids, tags and references):
 * about 4 KB of heap per Secret, 40 MB for 10,000 declared tokens (measured with bench/declared-apart.sh, HISTO=1).
 * Same names, help texts, labels and values as the gauges they replace.
 */
final class SecretSeries extends Collector {

    /** One family: its name, help, and the value of a state (a NaN sample when unknown, as Micrometer wrote it). */
    record Family(String name, String help, ToDoubleFunction<RenewalMetrics.State> value, boolean onlyFailing) {
    }

    private static final List<String> LABELS = List.of("name", "namespace");

    private final Map<String, RenewalMetrics.State> states;
    private final List<Family> families;

    SecretSeries(Map<String, RenewalMetrics.State> states, List<Family> families) {
        this.states = states;
        this.families = families;
    }

    @Override
    public List<MetricFamilySamples> collect() {
        List<MetricFamilySamples> out = new ArrayList<>(families.size());
        for (Family f : families) {
            List<MetricFamilySamples.Sample> samples = new ArrayList<>();
            states.forEach((key, st) -> {
                if (f.onlyFailing() && st.failures == 0) {
                    return;
                }
                int slash = key.indexOf('/');
                samples.add(new MetricFamilySamples.Sample(f.name(), LABELS,
                        List.of(key.substring(slash + 1), key.substring(0, slash)), f.value().applyAsDouble(st)));
            });
            if (!samples.isEmpty()) {
                out.add(new MetricFamilySamples(f.name(), Type.GAUGE, f.help(), samples));
            }
        }
        return out;
    }
}
