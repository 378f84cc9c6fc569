package io.pxtoken;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The README read as a newcomer pastes it: top to bottom, one shell block after another. */
class ReadmeTest {

    /** Where the sections that talk to a cluster (and so need a caller) begin. */
    private static final String CLUSTER_SECTIONS = "## Set up Portworx security with it";
    private static final Pattern SH_BLOCK = Pattern.compile("```sh\n(.*?)```", Pattern.DOTALL);
    private static final Pattern REPO_PATH = Pattern.compile(
            "(?<![\\w./$-])((?:k8s|src|bench|\\.ci|\\.mvn)/[\\w./-]*\\w|Dockerfile\\.\\w+)");
    private static final Pattern FILE_NAME = Pattern.compile("`([\\w.-]+\\.(?:yaml|yml|sh|md|properties|java))`");
    private static final Pattern CREATED = Pattern.compile("cat > ([\\w./-]+)");
    private static final Pattern USED = Pattern.compile("(?:--data-binary @|-d @|-f )(\\w[\\w./-]*)");

    private static String readme;
    private static Set<String> repoFileNames;

    @BeforeAll
    static void read() throws IOException {
        readme = Files.readString(Path.of("README.md"));
        try (Stream<Path> files = Files.walk(Path.of("."))) {
            repoFileNames = files.filter(p -> !p.startsWith("./target") && !p.startsWith("./.git"))
                    .map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    /** The commands of the shell blocks, in order, with continuation lines joined. */
    private static List<String> commands(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = SH_BLOCK.matcher(text);
        while (m.find()) {
            for (String line : m.group(1).replace("\\\n", " ").split("\n")) {
                if (!line.isBlank() && !line.strip().startsWith("#")) {
                    out.add(line.strip());
                }
            }
        }
        return out;
    }

    @Test
    void everyCurlOfTheClusterSectionsCarriesTheCaller() {
        int at = readme.indexOf(CLUSTER_SECTIONS);
        assertTrue(at > 0, "no section " + CLUSTER_SECTIONS);
        List<String> curls = commands(readme.substring(at)).stream().filter(c -> c.contains("curl ")).toList();
        assertFalse(curls.isEmpty());
        for (String curl : curls) {
            assertTrue(curl.contains("-H \"$AUTH\"") || curl.contains("Authorization: Bearer "),
                    "would be a 401 in a cluster, add -H \"$AUTH\": " + curl);
        }
    }

    @Test
    void theLocalSectionsNeedNoCaller() {
        List<String> curls = commands(readme.substring(0, readme.indexOf(CLUSTER_SECTIONS))).stream()
                .filter(c -> c.contains("curl ")).toList();
        assertFalse(curls.isEmpty());
        for (String curl : curls) {
            assertTrue(curl.contains("http://localhost:8080/"), "quarkus:dev listens on 8080: " + curl);
        }
    }

    @Test
    void everyFileIsSavedOrShippedBeforeItIsUsed() {
        Set<String> saved = new HashSet<>();
        for (String command : commands(readme)) {
            Matcher used = USED.matcher(command);
            while (used.find()) {
                String file = used.group(1);
                assertTrue(saved.contains(file) || Files.exists(Path.of(file)),
                        file + " is used before the README saves it, and the repository has no such file: " + command);
            }
            Matcher created = CREATED.matcher(command);
            while (created.find()) {
                saved.add(created.group(1));
            }
        }
        assertTrue(saved.containsAll(Set.of("admin.yaml", "kube.yaml")), "saved: " + saved);
    }

    @Test
    void everyPathTheReadmeNamesExists() {
        Matcher m = REPO_PATH.matcher(readme);
        int named = 0;
        while (m.find()) {
            assertTrue(Files.exists(Path.of(m.group(1))), "the README names " + m.group(1) + ", which does not exist");
            named++;
        }
        assertTrue(named > 10, "paths named: " + named);
        Set<String> saved = new HashSet<>();
        CREATED.matcher(readme).results().forEach(r -> saved.add(r.group(1)));
        Matcher names = FILE_NAME.matcher(readme);
        while (names.find()) {
            String name = names.group(1);
            assertTrue(saved.contains(name) || repoFileNames.contains(name),
                    "the README names " + name + ": neither in the repository nor saved by a block");
        }
    }

    @Test
    void mintAndVerifyShowTheirAnswers() {
        for (String marker : List.of("# eyJ", "# {\"token\":\"eyJ", "# {\"valid\":true", "# {\"valid\":false")) {
            assertTrue(readme.contains(marker), "no output shown like " + marker);
        }
    }

    @Test
    void everyLinkOfTheContentsLeadsToAHeading() {
        Set<String> anchors = new HashSet<>();
        for (String line : readme.split("\n")) {
            if (line.startsWith("## ") || line.startsWith("### ") || line.startsWith("#### ")) {
                // GitHub's anchors: lower case, punctuation dropped, spaces to hyphens
                anchors.add(line.replaceFirst("^#+ ", "").toLowerCase().replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
            }
        }
        Matcher link = Pattern.compile("\\]\\(#([^)]+)\\)").matcher(readme);
        int links = 0;
        while (link.find()) {
            assertTrue(anchors.contains(link.group(1)), "#" + link.group(1) + " names no heading; headings: " + anchors);
            links++;
        }
        assertTrue(links >= 10, "the contents list the sections: " + links);
    }
}
