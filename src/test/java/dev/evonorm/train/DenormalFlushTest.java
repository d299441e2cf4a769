package dev.evonorm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The flush in a JVM of its own (it changes the floating-point state of the thread that asks, so
 * it stays out of the test JVM): 1e-30 × 1e-10 is 1e-40, a denormal, unless denormals are flushed.
 */
class DenormalFlushTest {

    private static List<String> probe(List<String> jvmOptions, Map<String, String> environment)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dai.djl.offline=true");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(DenormalProbe.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().remove("EVONORM_DENORMALS");
        builder.environment().putAll(environment);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), out);
        return out.lines().toList();
    }

    @Test
    void denormalsAreFlushedWithTheForeignApiAndKeptOtherwise() throws Exception {
        List<String> without = probe(List.of(), Map.of());
        assertTrue(without.get(0).startsWith("unavailable: start Java with --add-modules"), without.toString());
        assertEquals(1e-40f, Float.parseFloat(without.get(1)), 1e-45f, "IEEE arithmetic: a denormal product");

        assumeFalse(DenormalFlush.jvmOptions().isEmpty(), "this Java has no " + DenormalFlush.MODULE);
        List<String> flushed = probe(DenormalFlush.jvmOptions(), Map.of());
        assertEquals(List.of("flushed", "0.0"), flushed);

        List<String> kept = probe(DenormalFlush.jvmOptions(), Map.of("EVONORM_DENORMALS", "keep"));
        assertEquals("kept (EVONORM_DENORMALS=keep)", kept.get(0));
        assertEquals(1e-40f, Float.parseFloat(kept.get(1)), 1e-45f);
    }
}
