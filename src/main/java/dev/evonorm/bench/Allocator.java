package dev.evonorm.bench;

import java.util.Map;

/**
 * Which memory allocator this process runs on, as one line for benchmark and search headers.
 * PyTorch's CPU tensors come from the C library's allocator (or whatever is preloaded in its
 * place), and that choice moves some layers' speed by a third (docs/benchmarks.md, "The allocator
 * and B0's two speeds"), so every timing is printed next to it.
 */
public final class Allocator {

    private Allocator() {}

    /** The allocator of this process, from its environment. */
    public static String inUse() {
        return describe(System.getenv());
    }

    /** The allocator a process with this environment runs on. */
    static String describe(Map<String, String> env) {
        String preload = env.getOrDefault("LD_PRELOAD", "").strip();
        if (preload.isEmpty()) {
            return "the C library's malloc";
        }
        if (preload.contains("jemalloc")) {
            String conf = env.getOrDefault("MALLOC_CONF", "").strip();
            return "jemalloc (" + preload + "), " + (conf.isEmpty() ? "default settings" : "MALLOC_CONF=" + conf);
        }
        return "LD_PRELOAD=" + preload;
    }
}
