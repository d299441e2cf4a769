package dev.evonorm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetRegistryTest {
    @Test
    void knowsBothDatasetsWithTheirGeometry() {
        assertEquals(List.of("fashion-mnist", "cifar10", "image-folder"), DatasetRegistry.names());
        DatasetSpec fashion = DatasetRegistry.byName(DatasetRegistry.DEFAULT);
        assertEquals("fashion-mnist", fashion.name());
        assertEquals(List.of(1, 28, 28, 10), List.of(fashion.channels(), fashion.height(), fashion.width(),
                fashion.classes()));
        assertEquals(Augmentation.NONE, fashion.defaultAugmentation());
        DatasetSpec cifar = DatasetRegistry.byName("cifar10");
        assertEquals(List.of(3, 32, 32, 10), List.of(cifar.channels(), cifar.height(), cifar.width(),
                cifar.classes()));
        assertEquals(Augmentation.CROP_AND_FLIP, cifar.defaultAugmentation());
        assertEquals("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
                cifar.downloadUri(cifar.downloads().get(0)).toString());
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        DataException error = assertThrows(DataException.class, () -> DatasetRegistry.byName("mnist"));
        assertEquals("unknown dataset 'mnist'; known datasets: fashion-mnist, cifar10, image-folder",
                error.getMessage());
        DatasetRegistry.requireKnown(DatasetRegistry.IMAGE_FOLDER);
        DataException noSpec = assertThrows(DataException.class, () -> DatasetRegistry.byName("image-folder"));
        assertTrue(noSpec.getMessage().contains("read from your own folder"), noSpec.getMessage());
    }

    @Test
    void debianCopiesOfFashionMnistMatchAPinnedDigest() throws Exception {
        DatasetSpec fashion = DatasetRegistry.FASHION_MNIST;
        java.nio.file.Path folder = fashion.debianFolder().orElseThrow();
        for (PinnedFile file : fashion.downloads()) {
            byte[] content = java.nio.file.Files.readAllBytes(folder.resolve(file.name()));
            assertTrue(file.accepts(TestFiles.sha256(content)), file.name());
        }
    }
}
