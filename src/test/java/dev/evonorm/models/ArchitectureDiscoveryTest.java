package dev.evonorm.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.ndarray.NDList;
import dev.evonorm.layers.Layers;
import dev.evonorm.models.plugin.TinyUserNet;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Architectures of a user's own, found through a services file on the class path. */
class ArchitectureDiscoveryTest {
    @TempDir
    Path dir;

    /** A class-path folder holding only the services file; the classes come from the parent loader. */
    static Path servicesFolder(Path dir, String... classNames) throws Exception {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.writeString(services.resolve(Architecture.class.getName()), String.join("\n", classNames) + "\n");
        return dir;
    }

    @Test
    void findsAUsersNetworkAndLeavesOutBrokenOnesWithAReason() throws Exception {
        Path folder = servicesFolder(dir, "# my networks", TinyUserNet.class.getName(),
                TinyUserNet.Impostor.class.getName(), TinyUserNet.BadlyNamed.class.getName(), "com.example.Missing",
                TinyUserNet.class.getName());
        try (URLClassLoader loader = new URLClassLoader(new URL[] {folder.toUri().toURL()}, getClass().getClassLoader())) {
            Architectures.Discovery found = Architectures.discover(loader, Architectures.names());
            assertEquals(List.of("tiny-user-net"), found.architectures().stream().map(Architecture::name).toList());
            List<String> leftOut = found.leftOut();
            assertEquals(3, leftOut.size(), leftOut.toString());
            assertTrue(leftOut.get(0).contains("Impostor left out: the name 'resnet' is already taken"), leftOut.get(0));
            assertTrue(leftOut.get(1).contains("BadlyNamed left out: its name 'My Net, v2' is not"), leftOut.get(1));
            assertTrue(leftOut.get(2).contains("com.example.Missing"), leftOut.get(2));
        }
    }

    @Test
    void nothingOnThePlainClassPathChangesTheBuiltInRegistry() throws Exception {
        Architectures.Discovery found = Architectures.discover(getClass().getClassLoader(), Architectures.names());
        assertEquals(List.of(), found.architectures());
        assertEquals(List.of(), found.leftOut());
    }

    @Test
    void theUsersNetworkRunsAnyLayer() {
        Architecture tiny = new TinyUserNet();
        ArchConfig config = new ArchConfig(1, 12, 3, 1.0, 1.0);
        try (Model model = Model.newInstance("tiny"); NDManager manager = NDManager.newBaseManager()) {
            Block block = tiny.build(Layers.factory("evonorm-s0"), config);
            block.setInitializer(new XavierInitializer(), ai.djl.nn.Parameter.Type.WEIGHT);
            block.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, config.inputShape(4));
            NDArray out = block.forward(new ParameterStore(manager, false),
                    new NDList(manager.randomNormal(config.inputShape(4))), false).singletonOrThrow();
            assertEquals(new Shape(4, 3), out.getShape());
        }
    }
}
