package dev.evonorm.cli;

import dev.evonorm.models.Architecture;
import dev.evonorm.models.ArchitectureRole;
import dev.evonorm.models.Architectures;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "archs", mixinStandardHelpOptions = true,
        description = "List the architectures --archs takes: the built-in proxy networks and any of your own on the"
                + " classpath (EVONORM_CLASSPATH; see docs/architectures.md).")
final class ArchsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        int width = Architectures.names().stream().mapToInt(String::length).max().orElse(12);
        out.printf("%-" + width + "s  %-10s  %s%n", "arch", "role", "what it is");
        for (Architecture a : Architectures.all()) {
            String origin = a.getClass().getPackageName().equals(Architectures.class.getPackageName())
                    ? "" : " [" + a.getClass().getName() + "]";
            out.printf("%-" + width + "s  %-10s  %s%s%n", a.name(), role(a.role()), a.summary(), origin);
        }
        out.println();
        out.println("Built-in search architectures are the default --archs of search, compare and bench; built-in held-out"
                + " ones join 'rerank'; diagnostic ones are the networks of 'diagnose'. Architectures from the classpath are"
                + " used where --archs names them.");
        Architectures.leftOut().forEach(reason -> out.println("left out: " + reason));
        out.flush();
    }

    private static String role(ArchitectureRole role) {
        return role.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
