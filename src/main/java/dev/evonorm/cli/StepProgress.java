package dev.evonorm.cli;

import java.io.PrintStream;
import java.util.function.IntConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a counted task: a progress bar on a terminal, plain periodic lines otherwise (logs,
 * CI), so output stays readable in both.
 */
final class StepProgress implements IntConsumer, AutoCloseable {
    private final ProgressBar bar;
    private final PrintStream log;
    private final String task;
    private final int total;
    private int nextReport;

    StepProgress(String task, int total) {
        this.task = task;
        this.total = total;
        boolean terminal = System.console() != null;
        this.bar = terminal ? new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate().build() : null;
        this.log = terminal ? null : System.err;
        this.nextReport = Math.max(1, total / 4);
    }

    @Override
    public void accept(int done) {
        if (bar != null) {
            bar.stepTo(done);
        } else if (done >= nextReport || done == total) {
            log.printf("%s: %d/%d%n", task, done, total);
            nextReport = done + Math.max(1, total / 4);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
