package dev.evonorm.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user's own images, laid out as most image tools expect: {@code DIR/train/<class>/<image>} and,
 * optionally, {@code DIR/test/<class>/<image>}. Class folders are sorted by name and numbered from
 * 0; test folders must be named like training ones. Images are PNG, JPEG, BMP or GIF files
 * (whatever {@link ImageIO} reads), taken in file-name order so that a folder always gives the same
 * dataset.
 *
 * <p>The images become one channel when every one of them is grayscale, else three (sRGB; alpha
 * is dropped). They must share one square size, unless a side is given ({@code --resize SIDE}),
 * in which case every image of another size is scaled to SIDE×SIDE by area averaging (the same
 * overlap weights as {@link AreaResize}, which for an enlargement repeat each source pixel).
 */
final class ImageFolderFiles {
    static final String TRAIN = "train";
    static final String TEST = "test";
    static final List<String> EXTENSIONS = List.of("png", "jpg", "jpeg", "bmp", "gif");
    private static final Set<String> EXTENSION_SET = Set.copyOf(EXTENSIONS);
    private static final int MAX_CLASSES = 256;
    private static final Logger LOG = LoggerFactory.getLogger(ImageFolderFiles.class);

    private ImageFolderFiles() {
    }

    /** Whether {@code folder} has a {@code train} sub-folder with at least one class folder in it. */
    static boolean isPresent(Path folder) {
        Path train = folder.resolve(TRAIN);
        return Files.isDirectory(train) && !subfolders(train).isEmpty();
    }

    /** The class names: the training set's sub-folders, sorted. */
    static List<String> classes(Path folder) {
        Path train = folder.resolve(TRAIN);
        if (!Files.isDirectory(train)) {
            throw new DataException(folder + " has no train/ folder; put your images in " + train
                    + "/<class>/ (one sub-folder per class) and optionally " + folder.resolve(TEST) + "/<class>/");
        }
        List<String> classes = subfolders(train);
        if (classes.size() < 2) {
            throw new DataException(train + " has " + classes.size() + " class folder(s); a classifier needs at least"
                    + " two: put each class's images in a sub-folder of its own (train/cat/…, train/dog/…)");
        }
        if (classes.size() > MAX_CLASSES) {
            throw new DataException(train + " has " + classes.size() + " class folders; at most " + MAX_CLASSES
                    + " are supported");
        }
        return classes;
    }

    /** The dataset's description once its images are read: no download, no Debian package. */
    static DatasetSpec spec(Path folder, int classes, TrainTestImages images) {
        RawImages train = images.train();
        return new DatasetSpec(DatasetRegistry.IMAGE_FOLDER, train.channels(), train.height(), train.width(),
                classes, folder.toUri(), List.of(), Optional.empty(), Optional.empty(),
                Augmentation.NONE, ImageFolderFiles::isPresent, f -> images);
    }

    static TrainTestImages read(Path folder, Optional<Integer> side) {
        return read(folder, classes(folder), side);
    }

    /** Reads the images of {@code classes} (as {@link #classes} lists them). */
    static TrainTestImages read(Path folder, List<String> classes, Optional<Integer> side) {
        List<Labelled> train = listed(folder.resolve(TRAIN), classes, true);
        Path testFolder = folder.resolve(TEST);
        List<Labelled> test = Files.isDirectory(testFolder) ? listed(testFolder, classes, false) : List.of();
        if (test.isEmpty()) {
            LOG.info("{}: no test/ images; the test split is empty (the search and comparisons use the validation"
                    + " split held out from train/)", folder);
        }
        List<Decoded> trainImages = decodeAll(train, side);
        List<Decoded> testImages = decodeAll(test, side);
        boolean gray = Stream.concat(trainImages.stream(), testImages.stream()).allMatch(d -> d.gray);
        Decoded reference = trainImages.get(0);
        int height = side.orElse(reference.height);
        int width = side.orElse(reference.width);
        if (side.isEmpty()) {
            checkSizes(train, trainImages, test, testImages, reference);
        }
        return new TrainTestImages(pack(train, trainImages, gray, height, width),
                pack(test, testImages, gray, height, width));
    }

    private record Labelled(Path file, int label) {
    }

    private static List<Labelled> listed(Path split, List<String> classes, boolean everyClass) {
        List<Labelled> files = new ArrayList<>();
        List<String> present = subfolders(split);
        for (String name : present) {
            if (!classes.contains(name)) {
                throw new DataException(split.resolve(name) + " is a class the training set does not have; the"
                        + " classes are the folders of " + split.resolveSibling(TRAIN) + ": " + classes);
            }
        }
        for (String name : everyClass ? classes : present) {
            List<Path> images = images(split.resolve(name));
            int label = classes.indexOf(name);
            images.forEach(file -> files.add(new Labelled(file, label)));
        }
        return files;
    }

    private static List<String> subfolders(Path folder) {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(name -> !name.startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new DataException(folder + ": cannot list it (" + e.getMessage() + ")", e);
        }
    }

    private static List<Path> images(Path classFolder) {
        List<Path> images;
        long others;
        try (Stream<Path> entries = Files.list(classFolder)) {
            List<Path> files = entries.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
            images = files.stream().filter(ImageFolderFiles::isImage).toList();
            others = files.size() - images.size();
        } catch (IOException e) {
            throw new DataException(classFolder + ": cannot list it (" + e.getMessage() + ")", e);
        }
        if (images.isEmpty()) {
            throw new DataException(classFolder + " holds no images; put " + String.join(", ", EXTENSIONS)
                    + " files there or remove the folder");
        }
        if (others > 0) {
            LOG.info("{}: {} file(s) that are not {} images left out", classFolder, others, EXTENSIONS);
        }
        return images;
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSION_SET.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** One image's pixels, 0..255: one plane if gray, else three (R, G, B). */
    private record Decoded(Path file, boolean gray, int height, int width, byte[] planes) {
    }

    /** Decoded and, with a side, scaled at once, so that large photos never pile up at full size. */
    private static List<Decoded> decodeAll(List<Labelled> files, Optional<Integer> side) {
        List<Decoded> decoded = new ArrayList<>(files.size());
        for (Labelled file : files) {
            Decoded image = decode(file.file());
            decoded.add(side.isPresent() ? resized(image, side.get()) : image);
        }
        return decoded;
    }

    private static Decoded resized(Decoded image, int side) {
        if (image.height == side && image.width == side) {
            return image;
        }
        int channels = image.gray ? 1 : 3;
        int inPlane = image.height * image.width;
        byte[] planes = new byte[channels * side * side];
        for (int c = 0; c < channels; c++) {
            byte[] plane = new byte[inPlane];
            System.arraycopy(image.planes, c * inPlane, plane, 0, inPlane);
            byte[] out = scaled(plane, image.height, image.width, side, side);
            System.arraycopy(out, 0, planes, c * side * side, out.length);
        }
        return new Decoded(image.file, image.gray, side, side, planes);
    }

    private static Decoded decode(Path file) {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new DataException(file + ": cannot read it as an image (" + e.getMessage() + "); replace or"
                    + " remove the file", e);
        }
        if (image == null) {
            throw new DataException(file + ": not an image this Java can read; convert it to PNG or remove it");
        }
        int width = image.getWidth();
        int height = image.getHeight();
        int plane = width * height;
        boolean gray = image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        byte[] planes = new byte[gray ? plane : 3 * plane];
        if (gray) {
            // The raster's own samples: getRGB would pass them through Java's linear-gray to sRGB
            // conversion and brighten every mid-tone.
            Raster raster = image.getRaster();
            int shift = Math.max(0, raster.getSampleModel().getSampleSize(0) - 8);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    planes[y * width + x] = (byte) (raster.getSample(x, y, 0) >> shift);
                }
            }
        } else {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int rgb = image.getRGB(x, y);
                    int at = y * width + x;
                    planes[at] = (byte) (rgb >> 16);
                    planes[plane + at] = (byte) (rgb >> 8);
                    planes[2 * plane + at] = (byte) rgb;
                }
            }
        }
        return new Decoded(file, gray, height, width, planes);
    }

    private static void checkSizes(List<Labelled> train, List<Decoded> trainImages, List<Labelled> test,
                                   List<Decoded> testImages, Decoded reference) {
        for (List<Decoded> images : List.of(trainImages, testImages)) {
            for (Decoded image : images) {
                if (image.height != reference.height || image.width != reference.width) {
                    throw new DataException(image.file + " is " + image.width + "x" + image.height + " but "
                            + reference.file + " is " + reference.width + "x" + reference.height
                            + "; images must share one size, or pass --resize SIDE to scale every image to SIDE×SIDE");
                }
            }
        }
        if (reference.height != reference.width) {
            throw new DataException("the images in " + reference.file.getParent().getParent() + " are "
                    + reference.width + "x" + reference.height + "; the proxy networks take square images: pass"
                    + " --resize SIDE to scale every image to SIDE×SIDE");
        }
    }

    private static RawImages pack(List<Labelled> files, List<Decoded> images, boolean gray, int height, int width) {
        int channels = gray ? 1 : 3;
        ByteArrayOutputStream pixels = new ByteArrayOutputStream(images.size() * channels * height * width);
        byte[] labels = new byte[images.size()];
        for (int i = 0; i < images.size(); i++) {
            Decoded image = images.get(i);
            int plane = height * width;
            for (int c = 0; c < channels; c++) {
                // A gray image among colour ones is repeated into R, G and B.
                pixels.write(image.planes, (image.gray ? 0 : c) * plane, plane);
            }
            labels[i] = (byte) files.get(i).label();
        }
        return new RawImages(pixels.toByteArray(), labels, channels, height, width);
    }

    /** Area averaging to outHeight×outWidth ({@link AreaResize#resizePlane}), rounded back to bytes. */
    static byte[] scaled(byte[] plane, int inHeight, int inWidth, int outHeight, int outWidth) {
        float[] in = new float[plane.length];
        for (int i = 0; i < plane.length; i++) {
            in[i] = plane[i] & 0xFF;
        }
        float[] out = new float[outHeight * outWidth];
        AreaResize.resizePlane(in, 0, inHeight, inWidth, AreaResize.overlapWeights(inHeight, outHeight),
                AreaResize.overlapWeights(inWidth, outWidth), out, 0);
        byte[] bytes = new byte[out.length];
        for (int i = 0; i < out.length; i++) {
            bytes[i] = (byte) Math.min(255, Math.round(out[i]));
        }
        return bytes;
    }
}
