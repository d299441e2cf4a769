package dev.evonorm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerCommandTest {
    @TempDir
    Path dir;

    /**
     * The worker's input stays open (this test holds it), so only the watch on its starter can end
     * it: without the watch it would wait for settings forever and the test would time out.
     */
    @Test
    void aWorkerStopsWhenTheProcessThatStartedItEnds() throws Exception {
        Process starter = new ProcessBuilder("sleep", "600").start();
        List<String> command = new ArrayList<>(WorkerProcesses.command());
        command.removeIf(a -> a.startsWith("--stop-with="));
        command.add("--stop-with=" + starter.pid());
        Path log = dir.resolve("worker.log");
        Process worker = new ProcessBuilder(command).redirectError(log.toFile()).start();
        try {
            assertTrue(!worker.waitFor(5, TimeUnit.SECONDS), "the worker waits for the search while its starter lives: "
                    + Files.readString(log));
            starter.destroyForcibly().waitFor();
            assertTrue(worker.waitFor(60, TimeUnit.SECONDS), "the worker stopped after its starter was killed");
            assertEquals(WorkerCommand.STARTER_GONE, worker.exitValue());
            assertTrue(Files.readString(log).contains("process " + starter.pid() + " that started this worker has ended"),
                    Files.readString(log));
        } finally {
            worker.destroyForcibly();
            starter.destroyForcibly();
        }
    }

    @Test
    void aWorkerWhoseStarterIsAlreadyGoneStopsAtOnce() throws Exception {
        Process starter = new ProcessBuilder("true").start();
        starter.waitFor();
        List<String> command = new ArrayList<>(WorkerProcesses.command());
        command.removeIf(a -> a.startsWith("--stop-with="));
        command.add("--stop-with=" + starter.pid());
        Process worker = new ProcessBuilder(command).redirectError(dir.resolve("worker.log").toFile()).start();
        try {
            assertTrue(worker.waitFor(60, TimeUnit.SECONDS));
            assertEquals(WorkerCommand.STARTER_GONE, worker.exitValue());
        } finally {
            worker.destroyForcibly();
        }
    }
}
