package dev.evonorm.cli;

import ai.djl.engine.EngineException;
import dev.evonorm.data.ImageDataset;
import dev.evonorm.layers.LayerOptions;
import dev.evonorm.layers.Layers;
import dev.evonorm.layers.NormActFactory;
import dev.evonorm.models.Architecture;
import dev.evonorm.models.Architectures;
import dev.evonorm.report.DepthChart;
import dev.evonorm.report.DiagnosticsTable;
import dev.evonorm.screen.InitDiagnostics;
import dev.evonorm.screen.SiteMeasures;
import dev.evonorm.train.ProxyTask;
import dev.evonorm.train.TrainConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "diagnose", mixinStandardHelpOptions = true,
        description = "Initialization diagnostics (\"Beyond BatchNorm\"): at every norm-act site of a freshly initialized"
                + " network, on one mini-batch, the activation variance, the cosine similarity and stable rank of the"
                + " samples, and the gradient norm. Nothing is trained.")
final class DiagnoseCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--layers", defaultValue = "relu,bn-relu,gn-relu,ln-relu,in-relu,evonorm-b0,evonorm-s0",
            description = "Comma-separated layers (names or graph:<file|json>); NAME@GROUPS gives one its own group"
                    + " setting in --groups syntax, e.g. gn-relu@1,gn-relu@size:1 (default: ${DEFAULT-VALUE}).")
    String layers;

    @Option(names = "--archs", defaultValue = "plain-20,resnet-56",
            description = "Comma-separated networks (default: ${DEFAULT-VALUE}); plain-10, plain-20, plain-40 and resnet-56"
                    + " are the networks of \"Beyond BatchNorm\", any other architecture of 'evonorm archs' works too.")
    String archs;

    @Option(names = "--batch", defaultValue = "64", description = "Examples in the mini-batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--inits", defaultValue = "3", description = "Initializations averaged per layer and network (default: ${DEFAULT-VALUE}).")
    int inits;

    @Option(names = "--seed", defaultValue = "0",
            description = "Seed of the batch (drawn from the training split) and of the first initialization (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--sites", description = "Also print every site, not only the first and the last.")
    boolean everySite;

    @Option(names = "--site-filter", paramLabel = "REGEX",
            description = "Keep only the sites whose name matches REGEX (found anywhere in it), e.g. 'preNormAct|final' for the"
                    + " residual stream of a ResNet; --sites shows the names.")
    String siteFilter;

    @Option(names = "--csv", paramLabel = "FILE", description = "Also write every site of every layer and network as CSV.")
    Path csv;

    @Option(names = "--plot", paramLabel = "DIR", description = "Also write one PNG per network and measure into DIR (measure against depth).")
    Path plot;

    @Option(names = "--width", defaultValue = "1.0", description = "Width multiplier of the networks (default: ${DEFAULT-VALUE}).")
    double width;

    @Option(names = "--depth", defaultValue = "1.0", description = "Depth multiplier of the networks (default: ${DEFAULT-VALUE}).")
    double depth;

    @Mixin
    DataOptions data;

    @Mixin
    LayerSettings layerSettings;

    /** A row of the table: the name as given and the factory it builds. */
    private record Row(String label, NormActFactory factory) {
    }

    @Override
    public void run() {
        if (batch < 2) {
            throw new UserInputException("--batch must be at least 2 (similarity is between samples), got " + batch);
        }
        if (inits < 1) {
            throw new UserInputException("--inits must be at least 1, got " + inits);
        }
        if (!(width > 0) || !(depth > 0)) {
            throw new UserInputException("--width and --depth must be positive, got " + width + " and " + depth);
        }
        Pattern keep = sitePattern();
        if (plot != null) {
            // Before the measuring, not after it: a folder that cannot be made is known now.
            try {
                Files.createDirectories(plot);
            } catch (IOException e) {
                throw new UserInputException("cannot create the chart folder " + plot + " (" + e.getMessage() + "); choose a writable --plot folder");
            }
        }
        List<Architecture> networks = LayerRuns.split(archs, "--archs").stream().map(Architectures::byName).toList();
        List<Row> rows = rows(LayerRuns.split(layers, "--layers"), layerSettings.toOptions());
        ProxyTask task = ProxyTask.load(data.toConfig(), TrainConfig.defaults(), width, depth);
        if (batch > task.data().train().count()) {
            throw new UserInputException("--batch " + batch + " is larger than the training split (" + task.data().train().count()
                    + " examples); use a smaller --batch");
        }
        // A layer that cannot serve a position of a network (say, groups that do not divide its
        // channels) fails here, before anything is measured.
        for (Architecture network : networks) {
            rows.forEach(row -> network.build(row.factory(), task.archConfig()));
        }
        ImageDataset sample = InitDiagnostics.sample(task.data().train(), batch, seed);
        DiagnosticsTable table = new DiagnosticsTable(String.format(Locale.ROOT, "%s, batch %d, mean of %d initialization(s)%s",
                task.data().spec().name(), batch, inits, keep == null ? "" : ", sites matching '" + siteFilter + "'"));
        PrintWriter log = spec.commandLine().getErr();
        int total = networks.size() * rows.size();
        int done = 0;
        for (Architecture network : networks) {
            for (Row row : rows) {
                done++;
                long start = System.nanoTime();
                try {
                    List<InitDiagnostics.Result> results = new ArrayList<>();
                    for (int i = 0; i < inits; i++) {
                        results.add(kept(InitDiagnostics.measure(network, task.archConfig(), row.factory(), sample, seed + i),
                                keep, network.name()));
                    }
                    table.add(network.name(), row.label(), results);
                    log.printf(Locale.ROOT, "[%d/%d] %s on %s: %.1f s%n", done, total, row.label(), network.name(),
                            (System.nanoTime() - start) / 1e9);
                } catch (EngineException e) {
                    String reason = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
                    table.addFailure(network.name(), row.label(), "engine error: " + reason);
                    log.printf(Locale.ROOT, "[%d/%d] %s on %s: failed, engine error: %s%n", done, total, row.label(), network.name(), reason);
                }
                log.flush();
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(table.summary());
        if (everySite) {
            out.print(table.sites());
        }
        out.flush();
        LayerRuns.write(csv, table.csv());
        if (plot != null) {
            for (String network : table.architectures()) {
                try {
                    DepthChart.write(table, network, plot).forEach(f -> log.println("wrote " + f));
                } catch (IOException e) {
                    throw new UserInputException("cannot write the charts into " + plot + ": " + e.getMessage() + "; choose a writable folder");
                }
            }
            log.flush();
        }
    }

    private Pattern sitePattern() {
        if (siteFilter == null) {
            return null;
        }
        try {
            return Pattern.compile(siteFilter);
        } catch (PatternSyntaxException e) {
            throw new UserInputException("--site-filter '" + siteFilter + "' is not a regular expression (" + e.getDescription()
                    + "); use e.g. 'preNormAct|final'");
        }
    }

    /** The sites of {@code result} whose names {@code keep} finds (all when it is null), numbered as before. */
    private static InitDiagnostics.Result kept(InitDiagnostics.Result result, Pattern keep, String network) {
        if (keep == null) {
            return result;
        }
        List<SiteMeasures> sites = result.sites().stream().filter(s -> keep.matcher(s.site()).find()).toList();
        if (sites.isEmpty()) {
            throw new UserInputException("no site of " + network + " matches --site-filter '" + keep.pattern() + "'; its sites are "
                    + result.sites().get(0).site() + " … " + result.sites().get(result.sites().size() - 1).site()
                    + " (all of them: --sites without --site-filter)");
        }
        return new InitDiagnostics.Result(result.loss(), sites);
    }

    /** Resolves every layer now, so that a typo fails before anything is measured. */
    private static List<Row> rows(List<String> names, LayerOptions options) {
        List<Row> rows = new ArrayList<>();
        for (String name : names) {
            int at = name.lastIndexOf('@');
            if (at > 0 && !name.startsWith(Layers.GRAPH_PREFIX + "{")) {
                String groups = name.substring(at + 1);
                rows.add(new Row(name, Layers.factory(name.substring(0, at),
                        options.withGroups(LayerSettings.parseGroups(groups)))));
            } else {
                rows.add(new Row(name, Layers.factory(name, options)));
            }
        }
        return rows;
    }
}
