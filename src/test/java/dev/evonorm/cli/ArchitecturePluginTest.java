package dev.evonorm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evonorm.search.CandidateRecord;
import dev.evonorm.store.RunStore;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A search on a network of the user's own, as they would run it: a fresh JVM whose class path has
 * a services file naming the network, and a worker process that must find it too.
 */
class ArchitecturePluginTest {
    @TempDir
    Path dir;

    @Test
    void aSearchAndItsWorkerTrainTheUsersNetwork() throws Exception {
        Path plugin = dir.resolve("plugin");
        Path services = Files.createDirectories(plugin.resolve("META-INF/services"));
        Files.writeString(services.resolve("dev.evonorm.models.Architecture"), "dev.evonorm.models.plugin.TinyUserNet\n");
        Path run = dir.resolve("run");
        List<String> command = new ArrayList<>(WorkerProcesses.command());
        int main = command.indexOf(Main.class.getName());
        command.set(main - 1, command.get(main - 1) + File.pathSeparator + plugin);
        command.subList(main + 1, command.size()).clear();
        command.removeIf(a -> a.startsWith("-Dai.djl.pytorch.num_"));
        command.addAll(List.of(CliTest.search("--archs", "tiny-user-net", "--workers", "1", "--budget", "3",
                "--start-from", "evonorm-b0",
                "--run", run.toString())));
        Path log = dir.resolve("search.log");
        Process search = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertTrue(search.waitFor(300, TimeUnit.SECONDS), "search finished: " + Files.readString(log));
            assertEquals(0, search.exitValue(), Files.readString(log));
        } finally {
            search.destroyForcibly();
        }
        try (RunStore store = RunStore.open(run.resolve(RunStore.FILE_NAME))) {
            List<CandidateRecord> done = store.completed();
            assertEquals(3, done.stream().filter(CandidateRecord::wasEvaluated).count());
            assertTrue(done.stream().anyMatch(c -> c.accepted() && c.accuracies().length == 1),
                    "EvoNorm-B0 trained on tiny-user-net: " + done);
        }
        assertTrue(Files.readString(log).contains("tiny-user-net"), Files.readString(log));
    }
}
