package dev.evonorm.layers;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The fused EvoNorm kernels of {@code native/evonorm_kernels.cpp}: each hand-written S or B layer
 * in two passes over the tensor forward and two backward, with its own backward function inside
 * PyTorch's autograd, instead of the ~20 separate kernels DJL's ops compose (docs/native-kernels.md).
 *
 * <p>The library is built by {@code native/build.sh} during the Maven build and packed into the jar;
 * it is loaded on first use, after DJL's PyTorch engine (whose libtorch it links to). It is used only
 * when it loaded, the engine is PyTorch 2.7.x (the version it was built against) and the arrays are
 * float32 on the CPU; otherwise the layers compose DJL's ops, with the same results up to float
 * rounding. {@code -Devonorm.native=off} turns it off.
 */
public final class NativeKernels {
    private static final String RESOURCE = "/dev/evonorm/native/linux-x86_64/libevonorm_torch.so";
    private static final int ABI_VERSION = 3;
    /** -Devonorm.native.graphs=off, read once: it is tested on every forward pass of every graph layer. */
    private static final boolean GRAPHS_OFF = switchedOff("evonorm.native.graphs");

    private static volatile Status status;

    private NativeKernels() {
    }

    /** Whether the library loaded and will be used, and if not, why. */
    public record Status(boolean loaded, String description) {
    }

    /** The gate of the S-series numerator: none (x), σ(x) (S1, S2), σ(v1·x) (S0). */
    enum Gate { NONE, SELF, SCALED }

    /** True when the fused kernels are loaded and usable with this engine. */
    public static boolean available() {
        return status().loaded();
    }

    /** Loads the library on first call; never throws. */
    public static Status status() {
        Status s = status;
        if (s == null) {
            synchronized (NativeKernels.class) {
                s = status;
                if (s == null) {
                    s = load();
                    status = s;
                }
            }
        }
        return s;
    }

    private static Status load() {
        if (switchedOff("evonorm.native")) {
            return new Status(false, "turned off (-Devonorm.native=off)");
        }
        String os = System.getProperty("os.name", "") + "/" + System.getProperty("os.arch", "");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux/") || !(os.endsWith("amd64") || os.endsWith("x86_64"))) {
            return new Status(false, "built for Linux x86_64 only, this is " + os);
        }
        URL url = NativeKernels.class.getResource(RESOURCE);
        if (url == null) {
            return new Status(false, "not built (native/build.sh printed why during the Maven build)");
        }
        Engine engine;
        try {
            engine = Engine.getEngine("PyTorch");
        } catch (RuntimeException e) {
            return new Status(false, "DJL's PyTorch engine did not start: " + e.getMessage());
        }
        String version = engine.getVersion();
        if (version == null || !version.startsWith("2.7.")) {
            return new Status(false, "built for libtorch 2.7, the engine runs " + version);
        }
        try {
            Path file = localCopy(url);
            System.load(file.toString());
            int abi = abiVersion();
            if (abi != ABI_VERSION) {
                return new Status(false, "library interface " + abi + ", this build expects " + ABI_VERSION
                        + "; rebuild with mvn package");
            }
            return new Status(true, "fused kernels from " + file);
        } catch (IOException | URISyntaxException | RuntimeException | UnsatisfiedLinkError e) {
            return new Status(false, "could not load: " + e.getMessage());
        }
    }

    /** The library as a file: itself when the classes are a folder, else a copy named by its digest. */
    private static Path localCopy(URL url) throws IOException, URISyntaxException {
        if (url.getProtocol().equals("file")) {
            return Path.of(url.toURI());
        }
        byte[] bytes;
        String digest;
        try (InputStream in = url.openStream()) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (DigestInputStream digesting = new DigestInputStream(in, sha)) {
                bytes = digesting.readAllBytes();
            }
            digest = HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("no SHA-256 in this JVM", e);
        }
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "evonorm-native-" + digest);
        Path file = dir.resolve("libevonorm_torch.so");
        if (!Files.isRegularFile(file) || Files.size(file) != bytes.length) {
            Files.createDirectories(dir);
            Path part = Files.createTempFile(dir, "lib", ".part");
            Files.write(part, bytes);
            Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return file;
    }

    /** Whether these arrays can go to the kernels: float32 PyTorch arrays on the CPU. */
    static boolean accepts(NDArray x) {
        return x instanceof PtNDArray && x.getDataType() == DataType.FLOAT32 && Device.cpu().getDeviceType().equals(x.getDevice().getDeviceType()) && available();
    }

    /**
     * Whether GraphBlock may run {@code x} with the fused graph executor: as {@link #accepts}, unless
     * {@code -Devonorm.native.graphs=off}.
     */
    static boolean acceptsGraphs(NDArray x) {
        return !GRAPHS_OFF && accepts(x);
    }

    /** How graph layers (GraphBlock) run here, for the user: the fused graph executor, or why not. */
    public static String graphDescription() {
        if (!available()) {
            return "composed of DJL's ops; the graph executor is " + status().description();
        }
        return GRAPHS_OFF ? "composed of DJL's ops (-Devonorm.native.graphs=off)"
                : "the fused graph executor, one native call each way (docs/native-kernels.md)";
    }

    /** Whether a {@code -Dname=off} (or {@code false}) switch is set. */
    private static boolean switchedOff(String name) {
        String setting = System.getProperty(name, "on").trim().toLowerCase(Locale.ROOT);
        return setting.equals("off") || setting.equals("false");
    }

    /**
     * A whole layer graph (native/evonorm_graph_function.cpp, {@link GraphPlan}) with its own
     * backward: returns the output with γ/β. {@code v0}/{@code v1} may be null when the graph does
     * not read them; {@code running} are the live batch aggregates' statistics in graph order
     * (updated in place in training); settings are ε, the running decay, the running variance's
     * Bessel factor, the group count and 1 for training.
     */
    static NDArray graph(NDArray x, NDArray v0, NDArray v1, NDArray gamma, NDArray beta, NDArray[] running,
            int[] plan, double[] settings) {
        long[] runningHandles = new long[running.length];
        for (int i = 0; i < running.length; i++) {
            runningHandles[i] = handle(running[i]);
        }
        long y = graph(handle(x), v0 == null ? 0 : handle(v0), v1 == null ? 0 : handle(v1), handle(gamma),
                handle(beta), runningHandles, plan, settings);
        return new PtNDArray((PtNDManager) x.getManager(), y);
    }

    /**
     * EvoNorm-S: {@code num(x) / d · γ + β} with d the group std (√(var + eps)) or, with
     * {@code meanOfSquares}, √μ(x²); all per-channel arrays hold C values (any shape).
     */
    static NDArray evoNormS(NDArray x, NDArray v, NDArray gamma, NDArray beta, int groups, double eps, Gate gate,
            boolean meanOfSquares) {
        long y = evoNormS(handle(x), v == null ? 0 : handle(v), handle(gamma), handle(beta), groups, eps,
                gate.ordinal(), meanOfSquares);
        return new PtNDArray((PtNDManager) x.getManager(), y);
    }

    /**
     * EvoNorm-B: {@code x / max(√(var_b + eps), u) · γ + β}; returns the output and, in training, the
     * batch variance (C values, outside the autograd graph) for the running statistic.
     */
    static NDArray[] evoNormB(NDArray x, NDArray v, NDArray gamma, NDArray beta, NDArray runningVar,
            EvoNormB.Variant variant, boolean training, double eps) {
        long[] out = evoNormB(handle(x), v == null ? 0 : handle(v), handle(gamma), handle(beta), handle(runningVar),
                variant.ordinal(), training, eps);
        PtNDManager manager = (PtNDManager) x.getManager();
        return new NDArray[] {new PtNDArray(manager, out[0]), new PtNDArray(manager, out[1])};
    }

    private static long handle(NDArray a) {
        return ((PtNDArray) a).getHandle();
    }

    private static native int abiVersion();

    private static native long evoNormS(long x, long v, long gamma, long beta, int groups, double eps, int gate,
            boolean meanOfSquares);

    private static native long graph(long x, long v0, long v1, long gamma, long beta, long[] running, int[] plan,
            double[] settings);

    private static native long[] evoNormB(long x, long v, long gamma, long beta, long runningVar, int variant,
            boolean training, double eps);
}
