package org.medbenefit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Where the tests find things. System properties (set by run-tests.sh):
 * medbenefit.root (the repository, default "."), medbenefit.build (default ROOT/build),
 * medbenefit.shared (default ROOT/../shared).
 */
final class TestEnv {
    private TestEnv() {}

    static final Path ROOT = Path.of(System.getProperty("medbenefit.root", ".")).toAbsolutePath().normalize();
    static final Path BUILD = Path.of(System.getProperty("medbenefit.build", ROOT.resolve("build").toString()))
            .toAbsolutePath().normalize();
    static final Path SHARED = Path.of(System.getProperty("medbenefit.shared", ROOT.resolve("../shared").toString()))
            .toAbsolutePath().normalize();
    static final Path RULESETS = ROOT.resolve("rulesets");
    static final Path CLI = BUILD.resolve("tools/medbenefit");

    /** Every conformance scenario: tests/conformance/*.yaml, then ../shared/conformance/*.yaml. */
    static List<Path> scenarios() throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path dir : List.of(ROOT.resolve("tests/conformance"), SHARED.resolve("conformance"))) {
            if (!Files.isDirectory(dir))
                continue;
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().forEach(out::add);
            }
        }
        return out;
    }

    /** A scenario's path as the C program is given it (relative to ROOT when possible). */
    static String label(Path file) {
        Path rel = ROOT.relativize(file.toAbsolutePath().normalize());
        return rel.toString();
    }

    /** Run the C program in ROOT: its standard output, as UTF-8 lines. */
    static List<String> cli(String... args) throws IOException, InterruptedException {
        if (!Files.isExecutable(CLI))
            throw new IOException("the C program " + CLI + " is missing: build the library first (ninja -C build)");
        List<String> cmd = new ArrayList<>();
        cmd.add(CLI.toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(ROOT.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + ": timed out");
        }
        return new String(out, StandardCharsets.UTF_8).lines().toList();
    }
}
