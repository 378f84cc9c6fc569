package io.pxtoken.api;

import java.time.Duration;
import java.util.stream.Stream;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

/**
 * Request latencies as a Prometheus histogram ({@code http_server_requests_seconds_bucket}): a dozen fixed buckets
 * from 1 ms to 10 s, so that percentiles are computed (and aggregated over replicas) by Prometheus, not only
 * count/sum/max.
 */
@Singleton
public class HttpMetrics {

    static final String REQUESTS = "http.server.requests";
    static final double[] BUCKETS = Stream.of(1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000)
            .mapToDouble(ms -> Duration.ofMillis(ms).toNanos()).toArray();

    @Produces
    @Singleton
    MeterFilter requestHistogram() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                return REQUESTS.equals(id.getName())
                        ? DistributionStatisticConfig.builder().serviceLevelObjectives(BUCKETS).build().merge(config)
                        : config;
            }
        };
    }
}
