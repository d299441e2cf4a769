package dev.evonorm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's allocator choice. The real launcher script runs in a copy of the project layout
 * whose jar is already "built" (newer than the sources), with a fake {@code java} first on the PATH
 * that prints the environment it was started with, so nothing is built and no JVM starts.
 */
class LauncherTest {

    @TempDir
    Path home;
    private Path fakeLibrary;

    @BeforeEach
    void layOutProject() throws IOException {
        Files.copy(Path.of("evonorm"), home.resolve("evonorm"));
        Files.createDirectories(home.resolve("src/main"));
        Path pom = Files.writeString(home.resolve("pom.xml"), "<project/>");
        Files.createDirectories(home.resolve("target"));
        Path jar = Files.writeString(home.resolve("target/evonorm.jar"), "");
        Files.writeString(home.resolve("target/classpath.txt"), "");
        // Sources older than the jar, so the launcher does not build.
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - 3_600_000);
        Files.setLastModifiedTime(pom, old);
        Files.setLastModifiedTime(home.resolve("src/main"), old);
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis()));
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path java = Files.writeString(bin.resolve("java"),
                "#!/bin/sh\necho \"LD_PRELOAD=${LD_PRELOAD:-}\"\necho \"MALLOC_CONF=${MALLOC_CONF:-}\"\necho \"ARGS=$*\"\n");
        assertTrue(java.toFile().setExecutable(true));
        // An empty file stands for the library: the launcher only checks that it exists, and the
        // dynamic loader merely warns (on stderr) when asked to preload something that is not one.
        fakeLibrary = Files.writeString(home.resolve("libjemalloc.so.2"), "");
    }

    private record Result(int exit, String out, String err) {}

    private Result launch(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", home.resolve("evonorm").toString(), "layers");
        Map<String, String> e = pb.environment();
        e.remove("LD_PRELOAD");
        e.remove("MALLOC_CONF");
        e.remove("EVONORM_ALLOCATOR");
        e.remove("EVONORM_JEMALLOC");
        e.remove("EVONORM_CLASSPATH");
        e.put("PATH", home.resolve("bin") + ":" + e.getOrDefault("PATH", "/usr/bin:/bin"));
        e.putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out, err);
    }

    private static Map<String, String> env(String... keysAndValues) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    @Test
    void theCLibrarysMallocByDefaultEvenWithJemallocInstalled() throws Exception {
        Result r = launch(env("EVONORM_JEMALLOC", fakeLibrary.toString()));
        assertEquals(0, r.exit, r.err);
        assertTrue(r.out.contains("LD_PRELOAD=\n"), r.out);
        assertTrue(r.out.contains("MALLOC_CONF=\n"), r.out);
        Result system = launch(env("EVONORM_JEMALLOC", fakeLibrary.toString(), "EVONORM_ALLOCATOR", "system"));
        assertEquals(0, system.exit, system.err);
        assertTrue(system.out.contains("LD_PRELOAD=\n"), system.out);
    }

    @Test
    void jemallocWithoutDecayOnRequest() throws Exception {
        Result r = launch(env("EVONORM_ALLOCATOR", "jemalloc", "EVONORM_JEMALLOC", fakeLibrary.toString()));
        assertEquals(0, r.exit, r.err);
        assertTrue(r.out.contains("LD_PRELOAD=" + fakeLibrary + "\n"), r.out);
        assertTrue(r.out.contains("MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1\n"), r.out);
    }

    @Test
    void keepsTheCallersMallocConfAndPreload() throws Exception {
        Result conf = launch(env("EVONORM_ALLOCATOR", "jemalloc", "EVONORM_JEMALLOC", fakeLibrary.toString(),
                "MALLOC_CONF", "narenas:1"));
        assertTrue(conf.out.contains("LD_PRELOAD=" + fakeLibrary + "\n"), conf.out);
        assertTrue(conf.out.contains("MALLOC_CONF=narenas:1\n"), conf.out);

        Path other = Files.writeString(home.resolve("libother.so"), "");
        Result preload = launch(env("EVONORM_ALLOCATOR", "jemalloc", "EVONORM_JEMALLOC", fakeLibrary.toString(),
                "LD_PRELOAD", other.toString()));
        assertTrue(preload.out.contains("LD_PRELOAD=" + other + "\n"), preload.out);
        assertTrue(preload.out.contains("MALLOC_CONF=\n"), preload.out);
    }

    @Test
    void badAllocatorSettingsGetOneLineAndExitTwo() throws Exception {
        Result unknown = launch(env("EVONORM_ALLOCATOR", "tcmalloc"));
        assertEquals(2, unknown.exit);
        assertEquals(1, unknown.err.strip().lines().count(), unknown.err);
        assertTrue(unknown.err.contains("EVONORM_ALLOCATOR=tcmalloc"), unknown.err);
        assertEquals("", unknown.out);

        Result missing = launch(env("EVONORM_ALLOCATOR", "jemalloc", "EVONORM_JEMALLOC", home.resolve("nowhere.so").toString()));
        assertEquals(2, missing.exit);
        assertEquals(1, missing.err.strip().lines().count(), missing.err);
        assertTrue(missing.err.contains("does not exist"), missing.err);
        assertEquals("", missing.out);
    }

    @Test
    void theUsersClasspathGoesAfterEvonormsOwn() throws Exception {
        String jar = home.resolve("target/evonorm.jar").toString();
        Result plain = launch(env());
        assertTrue(plain.out.contains("-cp " + jar + ": dev.evonorm.cli.Main layers"), plain.out);
        Result extended = launch(env("EVONORM_CLASSPATH", "/opt/my-nets.jar:/opt/classes"));
        assertEquals(0, extended.exit, extended.err);
        assertTrue(extended.out.contains("-cp " + jar + "::/opt/my-nets.jar:/opt/classes dev.evonorm.cli.Main layers"),
                extended.out);
    }
}
