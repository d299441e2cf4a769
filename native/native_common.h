// Shared by the EvoNorm kernels (evonorm_kernels.cpp) and the graph executor (evonorm_graph.cpp):
// a vectorizable e^x, the number of threads to use, and the JNI conventions (DJL's array handles
// are pointers to heap-allocated at::Tensor; errors become Java RuntimeExceptions).
#pragma once

#include <jni.h>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cstring>

namespace evonorm_native {

// e^c for c in [-87, 88], relative error ≈ 2e-7, branch-free (loops calling it vectorize); a NaN
// stays NaN (the polynomial carries it). Callers clamp c and decide what lies beyond.
__attribute__((always_inline)) inline float exp_core(float c) {
    // n = round(c / ln 2) by the 1.5·2^23 trick (the sum's last mantissa bits are the rounded value).
    const float shifted = c * 1.44269504088896341f + 12582912.0f;
    const float nf = shifted - 12582912.0f;
    const int n = static_cast<int>(nf);
    float r = c - nf * 0.693359375f;
    r = r - nf * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    int bits = (n + 127) << 23;
    float scale;
    std::memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

// e^x in float, relative error ≈ 2e-7 on [-80, 80]; outside, the argument is clamped: sigmoid only
// needs it to saturate, and the bound keeps every value the vectorized code computes (gcc evaluates
// both sides of a clamp and blends) clear of subnormal floats, each of which costs a microcode
// assist: with ±87 a saturated σ was ~6e-39, and x·σ(x) ran 10× slower on normal inputs.
// A NaN stays NaN: the clamps are written as `a < b ? b : a`, which keeps a NaN in a, and the
// polynomial carries it. Branch-free, so loops calling it vectorize.
__attribute__((always_inline)) inline float exp_approx(float x) {
    x = x < -80.0f ? -80.0f : x;
    x = 80.0f < x ? 80.0f : x;
    return exp_core(x);
}

// σ(x) = 1/(1 + e^−x), saturating at ~1.8e-35 and 1 (PyTorch goes on into subnormals below).
__attribute__((always_inline)) inline float sigmoid(float x) { return 1.0f / (1.0f + exp_approx(-x)); }

// PyTorch's intra-op thread count (DJL's ai.djl.pytorch.num_threads): OpenMP's own default is per
// calling thread (all cores unless OMP_NUM_THREADS is set), which would oversubscribe a process
// that asked PyTorch for fewer threads. Inside another parallel region, one.
inline int threads() { return at::in_parallel_region() ? 1 : std::max(1, at::get_num_threads()); }

inline const at::Tensor& tensor(jlong handle) { return *reinterpret_cast<const at::Tensor*>(handle); }

// An absent optional tensor (handle 0) as an empty one: the kernels test numel().
inline at::Tensor optional_tensor(jlong handle) { return handle == 0 ? at::empty({0}, at::kFloat) : tensor(handle); }

inline jlong to_handle(const at::Tensor& t) { return reinterpret_cast<jlong>(new at::Tensor(t)); }

inline void throw_java(JNIEnv* env, const char* message) {
    jclass type = env->FindClass("java/lang/RuntimeException");
    if (type != nullptr) env->ThrowNew(type, message);
}

// Two handles as a Java long[] (null, with an OutOfMemoryError pending, if it cannot be made).
inline jlongArray handle_pair(JNIEnv* env, const at::Tensor& a, const at::Tensor& b) {
    jlong handles[2] = {to_handle(a), to_handle(b)};
    jlongArray result = env->NewLongArray(2);
    if (result != nullptr) env->SetLongArrayRegion(result, 0, 2, handles);
    return result;
}

}  // namespace evonorm_native
