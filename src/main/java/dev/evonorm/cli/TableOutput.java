package dev.evonorm.cli;

import dev.evonorm.report.ComparisonTable;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a results table goes: always standard output as Markdown, optionally files. */
final class TableOutput {
    @Option(names = "--markdown", paramLabel = "FILE", description = "Also write the Markdown table to FILE.")
    Path markdown;

    @Option(names = "--csv", paramLabel = "FILE", description = "Also write the table as CSV to FILE.")
    Path csv;

    void emit(ComparisonTable table, PrintWriter out) {
        out.print(table.markdown());
        out.flush();
        LayerRuns.write(markdown, table.markdown());
        LayerRuns.write(csv, table.csv());
    }
}
