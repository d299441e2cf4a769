package dev.evonorm.train;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.util.Optional;

/**
 * Makes PyTorch treat denormal floats (magnitudes below 1.2e-38) as zero on the calling thread and
 * on the threads it starts afterwards (a thread starts with its creator's floating-point state):
 * PyTorch's {@code at::globalContext().setFlushDenormal(true)}, which DJL does not expose, called
 * through Java 17's foreign-function API ({@code jdk.incubator.foreign}).
 *
 * <p>Why: arithmetic on denormals is 10–100× slower on x86 CPUs, and many random layers produce
 * them (a division by a huge value, a variance of a variance): in a measured sample of 440 random
 * layers, 21 took 8–55 s for the quality protocol's 100 steps instead of about 3.4, 40% of the
 * stage's time; with denormals flushed, such a layer's 100 steps took 5.2 s instead of 52
 * (docs/benchmarks.md, "The signal screen and denormals"). Layers that never produce denormals
 * compute bit for bit the same, and the study's layers reached the same accuracies either way.
 *
 * <p>The API is an incubator module of Java 17 and is reached by reflection, so that evonorm
 * builds and runs on any Java: the JVM must be started with {@code --add-modules
 * jdk.incubator.foreign --enable-native-access=ALL-UNNAMED} (the {@code evonorm} launcher and the
 * search's worker processes do this when the Java has the module); otherwise {@link #enable}
 * reports why it is unavailable and nothing changes. {@code EVONORM_DENORMALS=keep} turns it off.
 */
public final class DenormalFlush {
    /** The module that holds Java 17's foreign-function API. */
    public static final String MODULE = "jdk.incubator.foreign";

    /** JVM options that make {@link #enable} possible; empty when this Java has no such module. */
    public static java.util.List<String> jvmOptions() {
        return java.lang.module.ModuleFinder.ofSystem().find(MODULE).isPresent()
                ? java.util.List.of("--add-modules=" + MODULE, "--enable-native-access=ALL-UNNAMED")
                : java.util.List.of();
    }

    /** What {@link #enable} will do in a worker process started with {@link #jvmOptions}. */
    public static String inWorkers() {
        if ("keep".equals(System.getenv("EVONORM_DENORMALS"))) {
            return "kept (EVONORM_DENORMALS=keep)";
        }
        return jvmOptions().isEmpty() ? "kept (this Java has no " + MODULE + ")" : "flushed";
    }

    private static String state;

    private DenormalFlush() {
    }

    /**
     * Flushes denormals to zero on this thread (and the threads it creates from now on), unless
     * {@code EVONORM_DENORMALS=keep}. Call it before the engine's first operation, on the thread
     * that will run the training, so that PyTorch's worker threads inherit it.
     *
     * @return "flushed", or why not ("kept (EVONORM_DENORMALS=keep)", "unavailable: …")
     */
    public static synchronized String enable() {
        if ("keep".equals(System.getenv("EVONORM_DENORMALS"))) {
            state = "kept (EVONORM_DENORMALS=keep)";
            return state;
        }
        try {
            // Load libtorch, whose symbols are looked up below, without starting the engine: the
            // engine turns autograd off on the thread that starts it (grad mode is per thread), and
            // that should stay the thread that trains, as without this call.
            Class.forName("ai.djl.pytorch.jni.LibUtils").getMethod("loadLibrary").invoke(null);
            MethodHandle context = downcall("_ZN2at13globalContextEv", true);
            MethodHandle setFlush = downcall("_ZN2at7Context16setFlushDenormalEb", false);
            Object ctx = context.invokeWithArguments();
            byte ok = (byte) setFlush.invokeWithArguments(ctx, (byte) 1);
            state = ok != 0 ? "flushed" : "unavailable: this CPU cannot flush denormals";
        } catch (ClassNotFoundException e) {
            state = "unavailable: start Java with --add-modules=" + MODULE + " --enable-native-access=ALL-UNNAMED (Java 17)";
        } catch (Throwable e) {
            state = "unavailable: " + e;
        }
        return state;
    }

    /** What the last {@link #enable} did in this process, or "not requested". */
    public static synchronized String state() {
        return state == null ? "not requested" : state;
    }

    /**
     * A handle on a function of libtorch: {@code at::globalContext()} (no argument, returns a
     * pointer) or {@code at::Context::setFlushDenormal(bool)} (the context pointer and a byte,
     * returns a byte).
     */
    private static MethodHandle downcall(String symbol, boolean returnsPointer) throws Throwable {
        Class<?> lookupClass = Class.forName(MODULE + ".SymbolLookup");
        Class<?> linkerClass = Class.forName(MODULE + ".CLinker");
        Class<?> addressClass = Class.forName(MODULE + ".MemoryAddress");
        Class<?> addressableClass = Class.forName(MODULE + ".Addressable");
        Class<?> layoutClass = Class.forName(MODULE + ".MemoryLayout");
        Class<?> descriptorClass = Class.forName(MODULE + ".FunctionDescriptor");
        Object lookup = lookupClass.getMethod("loaderLookup").invoke(null);
        Optional<?> address = (Optional<?>) lookupClass.getMethod("lookup", String.class).invoke(lookup, symbol);
        if (address.isEmpty()) {
            throw new IllegalStateException("libtorch has no symbol " + symbol);
        }
        Object linker = linkerClass.getMethod("getInstance").invoke(null);
        Object pointer = linkerClass.getField("C_POINTER").get(null);
        Object charLayout = linkerClass.getField("C_CHAR").get(null);
        MethodType type;
        Object descriptor;
        Object noLayouts = Array.newInstance(layoutClass, 0);
        if (returnsPointer) {
            type = MethodType.methodType(addressClass);
            descriptor = descriptorClass.getMethod("of", layoutClass, noLayouts.getClass()).invoke(null, pointer, noLayouts);
        } else {
            type = MethodType.methodType(byte.class, addressClass, byte.class);
            Object arguments = Array.newInstance(layoutClass, 2);
            Array.set(arguments, 0, pointer);
            Array.set(arguments, 1, charLayout);
            descriptor = descriptorClass.getMethod("of", layoutClass, noLayouts.getClass()).invoke(null, charLayout, arguments);
        }
        return (MethodHandle) linkerClass.getMethod("downcallHandle", addressableClass, MethodType.class, descriptorClass)
                .invoke(linker, address.get(), type, descriptor);
    }
}
