package dev.evonorm.cli;

import dev.evonorm.graph.CanonicalForm;
import dev.evonorm.graph.Formula;
import dev.evonorm.graph.GraphJson;
import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.Primitive;
import dev.evonorm.graph.PublishedGraphs;
import dev.evonorm.layers.NativeKernels;
import dev.evonorm.layers.LayerCatalog;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "layers", mixinStandardHelpOptions = true,
        description = "List every named layer with its formula and batch dependence; 'layers show' explains one.",
        subcommands = LayersCommand.Show.class)
final class LayersCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        int width = LayerCatalog.entries().stream().mapToInt(e -> e.name().length()).max().orElse(10);
        out.printf("%-" + width + "s  %-5s  %s%n", "layer", "batch", "formula");
        for (LayerCatalog.Entry e : LayerCatalog.entries()) {
            out.printf("%-" + width + "s  %-5s  %s%n", e.name(), e.batchDependent() ? "yes" : "no", e.formula());
        }
        out.println();
        out.println("batch = yes: a sample's output depends on the rest of the batch in training (running statistics at inference).");
        out.println("Any graph of the search space is a layer too: graph:<file.json> or graph:'{\"nodes\": [...]}'.");
        NativeKernels.Status kernels = NativeKernels.status();
        out.println("Hand-written EvoNorms: " + (kernels.loaded() ? "fused native kernels (docs/native-kernels.md)"
                : "composed of DJL's ops; fused kernels " + kernels.description()));
        out.println("Graph layers (-graph forms, graph:…, search candidates): " + NativeKernels.graphDescription());
        out.flush();
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print a layer's formula (Unicode and LaTeX), canonical JSON and primitives.")
    static final class Show implements Runnable {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME|FILE|JSON", description = "A named layer (evonorm-b0 …), a graph JSON file, or inline graph JSON.")
        String what;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            String name = what.trim();
            if (name.startsWith("graph:")) {
                name = name.substring("graph:".length());
            }
            Optional<LayerCatalog.Entry> entry = LayerCatalog.find(name.toLowerCase(java.util.Locale.ROOT));
            Optional<LayerGraph> graph = publishedGraph(name);
            if (entry.isPresent() && graph.isEmpty()) {
                LayerCatalog.Entry e = entry.get();
                out.printf("%s: %s%nformula: %s%nbatch-dependent: %s%n(a classic layer, not a graph of the search space)%n",
                        e.name(), e.description(), e.formula(), e.batchDependent() ? "yes" : "no");
                out.flush();
                return;
            }
            LayerGraph g = graph.orElseGet(() -> readGraph(what.trim().startsWith("graph:") ? what.trim().substring(6) : what.trim()));
            entry.ifPresent(e -> out.println(e.name() + ": " + e.description()));
            LayerGraph canonical = CanonicalForm.of(g);
            out.println("formula:   " + Formula.unicode(g) + "   (then ·γ + β)");
            out.println("latex:     " + Formula.latex(g));
            out.println("canonical: " + GraphJson.toJson(canonical));
            out.println("primitives: " + g.primitivesUsed().stream().map(Primitive::token).collect(Collectors.joining(", ")));
            out.println("nodes: " + g.nodes().size() + " (" + canonical.nodes().size() + " after removing dead and duplicate nodes)");
            out.println("batch-dependent: " + (g.dependsOnBatch() ? "yes (uses " + g.primitivesUsed().stream()
                    .filter(Primitive::dependsOnBatch).map(Primitive::token).collect(Collectors.joining(", "))
                    + "; running statistics at inference)" : "no"));
            out.println("structural hash: " + CanonicalForm.structuralHash(g));
            out.flush();
        }

        private static Optional<LayerGraph> publishedGraph(String name) {
            String n = name.toLowerCase(java.util.Locale.ROOT);
            for (String suffix : new String[] {"-graph", "-timm", "a"}) {
                if (n.endsWith(suffix) && PublishedGraphs.byName().containsKey(n.substring(0, n.length() - suffix.length()))) {
                    n = n.substring(0, n.length() - suffix.length());
                }
            }
            return Optional.ofNullable(PublishedGraphs.byName().get(n));
        }

        private static LayerGraph readGraph(String text) {
            if (text.startsWith("{")) {
                return GraphJson.parse(text);
            }
            Path p = Path.of(text);
            if (!Files.isRegularFile(p)) {
                throw new UserInputException("'" + text + "' is neither a named layer nor a graph file; run 'evonorm layers' for names, or give a JSON file or inline JSON");
            }
            try {
                return GraphJson.parse(Files.readString(p));
            } catch (IOException e) {
                throw new UserInputException("cannot read " + p + " (" + e.getMessage() + "); check the path and permissions");
            }
        }
    }
}
