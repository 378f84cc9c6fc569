package io.pxtoken.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleRefBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;

/**
 * The README's cluster sections as a newcomer pastes them: the walkthrough ("Set up Portworx security with it, start to
 * finish") and the sections that go on from it with the same caller ({@link #SECTIONS}), their shell blocks in order,
 * continuation lines joined, here-documents kept with the command that writes them, each command with the step (bold
 * "N.", or the section's title) it belongs to.
 */
public final class ReadmeWalkthrough {

    public static final String SECTION = "## Set up Portworx security with it, start to finish";
    /**
     * Replayed in README order. Not replayed: "Declare tokens in Git" and "One token per tenant namespace" (custom
     * resources the leader reconciles: DeclaredTokenTest, and AdmissionPolicyTest for who may apply them), and the
     * sections that do not talk to a cluster.
     */
    public static final List<String> SECTIONS = List.of(SECTION, "## Store the Kubernetes token where the StorageClass reads it",
            "## Who may mint", "### From a Pending PVC to the token that fails");

    /** One command: the step it is in, the command line, and the here-document it writes (or null). */
    public record Command(String step, String line, String heredoc) {
        @Override
        public String toString() {
            return (step.matches("\\d+") ? "step " + step : step) + ": " + line;
        }
    }

    private static final Pattern STEP = Pattern.compile("^\\*\\*(\\d+)\\. ");
    private static final Pattern CREATE_BINDING = Pattern.compile(
            "kubectl (?:-n (\\S+) )?create (clusterrolebinding|rolebinding) (\\S+) (.*)");
    private static final Pattern OPTION = Pattern.compile("--(clusterrole|role|serviceaccount|user|group)=(\\S+)");
    private static final Pattern NAMESPACE = Pattern.compile("(?:^| )-n (\\S+)");

    private ReadmeWalkthrough() {
    }

    public static List<Command> commands() {
        String readme = readme();
        List<Command> out = new ArrayList<>();
        int previous = -1;
        for (String heading : SECTIONS) {
            int at = readme.indexOf("\n" + heading + "\n");
            if (at < 0) {
                throw new AssertionError("the README has no section " + heading);
            }
            if (at < previous) {
                throw new AssertionError("the README's sections moved: " + heading + " comes before the one replayed before it");
            }
            previous = at;
            int end = readme.indexOf("\n## ", at + heading.length() + 1);
            if (heading.startsWith("### ")) {
                int sub = readme.indexOf("\n### ", at + heading.length() + 1);
                end = end < 0 ? sub : sub < 0 ? end : Math.min(end, sub);
            }
            parse(readme.substring(at + 1, end < 0 ? readme.length() : end),
                    heading.equals(SECTION) ? "0" : heading.replaceFirst("^#+ ", ""), out);
        }
        return out;
    }

    private static String readme() {
        try {
            return Files.readString(Path.of("README.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void parse(String section, String firstStep, List<Command> out) {
        String step = firstStep;
        boolean inSh = false;
        String[] lines = section.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (!inSh) {
                Matcher m = STEP.matcher(line);
                if (m.find()) {
                    step = m.group(1);
                }
                inSh = line.equals("```sh");
                continue;
            }
            if (line.equals("```")) {
                inSh = false;
                continue;
            }
            StringBuilder command = new StringBuilder(line);
            while (command.toString().endsWith("\\") && i + 1 < lines.length) {
                command.setLength(command.length() - 1);
                command.append(' ').append(lines[++i].strip());
            }
            String c = command.toString().strip();
            if (c.isEmpty() || c.startsWith("#")) {
                continue;
            }
            String heredoc = null;
            int h = c.indexOf("<<'");
            if (h >= 0) {
                String marker = c.substring(h + 3, c.indexOf('\'', h + 3));
                StringBuilder doc = new StringBuilder();
                while (!lines[++i].equals(marker)) {
                    doc.append(lines[i]).append('\n');
                }
                heredoc = doc.toString();
            }
            out.add(new Command(step, c, heredoc));
        }
    }

    /** The files the README saves ({@code cat > name <<'EOF'}) before the walkthrough, which it refers back to. */
    public static Map<String, String> filesSavedBefore() {
        String readme = readme();
        Map<String, String> files = new java.util.HashMap<>();
        Matcher m = Pattern.compile("cat > (\\S+) <<'EOF'\n(.*?\n)EOF\n", Pattern.DOTALL).matcher(readme.substring(0, readme.indexOf(SECTION)));
        while (m.find()) {
            files.put(m.group(1), m.group(2));
        }
        return files;
    }

    /** A {@code kubectl create clusterrolebinding|rolebinding} command as the object it creates, or null. */
    public static HasMetadata binding(String command) {
        Matcher m = CREATE_BINDING.matcher(command);
        if (!m.matches()) {
            return null;
        }
        String rest = m.group(4);
        Matcher ns = NAMESPACE.matcher(rest);
        String namespace = m.group(1) != null ? m.group(1) : ns.find() ? ns.group(1) : "default";
        String roleKind = null;
        String role = null;
        List<Subject> subjects = new ArrayList<>();
        Matcher o = OPTION.matcher(rest);
        while (o.find()) {
            switch (o.group(1)) {
                case "clusterrole" -> {
                    roleKind = "ClusterRole";
                    role = o.group(2);
                }
                case "role" -> {
                    roleKind = "Role";
                    role = o.group(2);
                }
                case "serviceaccount" -> {
                    String[] p = o.group(2).split(":");
                    subjects.add(new SubjectBuilder().withKind("ServiceAccount").withNamespace(p[0]).withName(p[1]).build());
                }
                case "user" -> subjects.add(new SubjectBuilder().withKind("User").withApiGroup("rbac.authorization.k8s.io").withName(o.group(2)).build());
                default -> subjects.add(new SubjectBuilder().withKind("Group").withApiGroup("rbac.authorization.k8s.io").withName(o.group(2)).build());
            }
        }
        var ref = new RoleRefBuilder().withApiGroup("rbac.authorization.k8s.io").withKind(roleKind).withName(role).build();
        if (m.group(2).equals("clusterrolebinding")) {
            return new ClusterRoleBindingBuilder().withNewMetadata().withName(m.group(3)).endMetadata().withRoleRef(ref).withSubjects(subjects).build();
        }
        return new RoleBindingBuilder().withNewMetadata().withName(m.group(3)).withNamespace(namespace).endMetadata().withRoleRef(ref)
                .withSubjects(subjects).build();
    }

    /** The files of a {@code kubectl apply -f a.yaml -f b.yaml} command (stdin {@code -f -} excluded). */
    public static List<Path> appliedFiles(String command) {
        List<Path> files = new ArrayList<>();
        Matcher m = Pattern.compile("-f (\\S+)").matcher(command);
        while (m.find()) {
            if (!m.group(1).equals("-")) {
                files.add(Path.of(m.group(1)));
            }
        }
        return files;
    }

    /** The RBAC objects the walkthrough creates (its applied example files and its bindings), in order. */
    public static List<HasMetadata> rbacObjects() {
        List<HasMetadata> out = new ArrayList<>();
        for (Command c : commands()) {
            HasMetadata b = binding(c.line());
            if (b != null) {
                out.add(b);
            } else if (c.line().startsWith("kubectl apply -f ")) {
                for (Path f : appliedFiles(c.line())) {
                    out.addAll(RenderedManifests.typed(RenderedManifests.readAll(f)));
                }
            }
        }
        return out;
    }

}
