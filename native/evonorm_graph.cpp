// The fused graph executor, full-size half: the element-wise nodes of a layer graph that depend on
// x, run row by row over the tensor (GraphBlock, GraphPlan.java).
//
// Within one (sample, channel) row of an NCHW tensor every reduced value of a graph — a statistic,
// v0, v1, the zero node — is one number, so the element-wise nodes that depend on x form a small
// program over scalars and one vector. A *stage* runs such a program row by row, in chunks that
// stay in the L1 cache, with one vectorized loop per instruction, and emits what the rest of the
// graph needs from the full tensor: the per-row means of v and v² of the nodes that an aggregate
// reads, and, in the last stage, the output with the final γ/β. The reduced part between stages
// (evonorm_graph_function.cpp) turns those moments into statistics. A graph with k aggregate
// levels is k+1 stages: k+1 passes over the tensor forward and k+1 backward.
//
// The backward recomputes a chunk's values and runs the program in reverse. Each instruction's
// value and gradient follow what GraphBlock computes with PyTorch's ops, including its rewrites:
// max against a reduced p is p + relu(u − p) (the gradient goes to p on a tie), max of two full
// values is torch.maximum (ties share the gradient, NaN propagates), signed_sqrt of a value known
// to be non-negative is sqrt, and sign(0) = 0 in signed_log/signed_sqrt/abs.
#include "graph_kernels.h"
#include "native_common.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

namespace evonorm_graph {

// Values of a chunk of a row for every instruction, and their gradients, stay in the L1/L2 cache
// (≤ 15 slots × 4 KB each); larger chunks mean fewer calls per row.
constexpr int64_t CHUNK = 1024;

namespace {

// ---------------------------------------------------------------------------------------------
// Vectorizable float functions over the whole range (the S kernels' e^x saturates instead).
// Relative error ≈ 2e-7 where the result is a normal float.

__attribute__((always_inline)) inline float exp_full(float x) {
    const float c = x < -87.0f ? -87.0f : (88.0f < x ? 88.0f : x);
    float e = evonorm_native::exp_core(c);
    // Past the ends: +∞ and 0 as e^x gives them in float (the subnormal tail becomes 0).
    e = x > 88.7228f ? std::numeric_limits<float>::infinity() : e;
    e = x < -87.3365f ? 0.0f : e;
    return e;
}

// ln(x) for x ≥ 0: ln 0 = −∞, ln ∞ = ∞, NaN stays NaN; x = m·2^e with m in [√½, √2), then
// ln m = 2·atanh((m−1)/(m+1)) as an odd polynomial. Subnormal inputs are taken as 0.
__attribute__((always_inline)) inline float log_nonneg(float x) {
    int bits;
    std::memcpy(&bits, &x, sizeof bits);
    int e = ((bits >> 23) & 0xff) - 127;
    int mbits = (bits & 0x007fffff) | 0x3f800000;
    float m;
    std::memcpy(&m, &mbits, sizeof m);
    const bool big = m > 1.41421356f;
    m = big ? m * 0.5f : m;
    e = big ? e + 1 : e;
    const float s = (m - 1.0f) / (m + 1.0f);
    const float s2 = s * s;
    float p = 0.2222222222f;
    p = p * s2 + 0.2857142857f;
    p = p * s2 + 0.4f;
    p = p * s2 + 0.6666666667f;
    p = p * s2 + 2.0f;
    float l = s * p + static_cast<float>(e) * 0.69314718056f;
    l = x < 1.17549435e-38f ? -std::numeric_limits<float>::infinity() : l;
    l = x == std::numeric_limits<float>::infinity() ? x : l;
    l = x != x ? x : l;
    return l;
}

__attribute__((always_inline)) inline float tanh_full(float x) {
    const float a = x < 0.0f ? -x : x;
    // Near 0 the odd series (error < 2e-8 below 0.3); beyond, 1 − 2/(e^{2a} + 1).
    const float x2 = x * x;
    float p = 0.0218694885f;
    p = p * x2 - 0.0539682540f;
    p = p * x2 + 0.1333333333f;
    p = p * x2 - 0.3333333333f;
    const float small = x + x * x2 * p;
    const float t = 1.0f - 2.0f / (exp_full(2.0f * a) + 1.0f);
    const float large = x < 0.0f ? -t : t;
    return a < 0.3f ? small : large;  // a NaN takes `large`, which is NaN
}

__attribute__((always_inline)) inline float sign_of(float v) {
    return v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : v * 0.0f);  // sign(0) = 0, sign(NaN) = NaN
}

// Each unary op's value f(u), and its backward g·f'(u) from u and the value o = f(u), as GraphBlock
// computes them with PyTorch's ops.
__attribute__((always_inline)) inline float abs_of(float u) { return u < 0.0f ? -u : u; }
__attribute__((always_inline)) inline float f_neg(float u) { return -u; }
__attribute__((always_inline)) inline float f_sigmoid(float u) { return 1.0f / (1.0f + exp_full(-u)); }
__attribute__((always_inline)) inline float f_tanh(float u) { return tanh_full(u); }
__attribute__((always_inline)) inline float f_exp(float u) { return exp_full(u); }
__attribute__((always_inline)) inline float f_signed_log(float u) { return sign_of(u) * log_nonneg(abs_of(u)); }
__attribute__((always_inline)) inline float f_abs(float u) { return abs_of(u); }
__attribute__((always_inline)) inline float f_square(float u) { return u * u; }
__attribute__((always_inline)) inline float f_sqrt(float u) { return std::sqrt(u); }
__attribute__((always_inline)) inline float f_signed_sqrt(float u) { return sign_of(u) * std::sqrt(abs_of(u)); }

__attribute__((always_inline)) inline float d_neg(float g, float, float) { return -g; }
__attribute__((always_inline)) inline float d_sigmoid(float g, float, float o) { return g * (o * (1.0f - o)); }
__attribute__((always_inline)) inline float d_tanh(float g, float, float o) { return g * (1.0f - o * o); }
__attribute__((always_inline)) inline float d_exp(float g, float, float o) { return g * o; }
// sign(u)·log|u| as PyTorch differentiates it: sign's gradient is 0, the product passes g·sign(u)
// to log|u|, log divides by |u|, abs multiplies by sign(u). Likewise sign(u)·sqrt(|u|).
__attribute__((always_inline)) inline float d_signed_log(float g, float u, float) {
    const float s = sign_of(u);
    return (g * s) / abs_of(u) * s;
}
__attribute__((always_inline)) inline float d_abs(float g, float u, float) { return g * sign_of(u); }
__attribute__((always_inline)) inline float d_square(float g, float u, float) { return g * (2.0f * u); }
__attribute__((always_inline)) inline float d_sqrt(float g, float, float o) { return g / (2.0f * o); }
__attribute__((always_inline)) inline float d_signed_sqrt(float g, float u, float) {
    const float s = sign_of(u);
    return (g * s) / (2.0f * std::sqrt(abs_of(u))) * s;
}

// Runs STEP(f, d) with the unary op's value and derivative functions (a switch outside the loops).
#define EVONORM_UNARY_SWITCH(op, STEP)                  \
    switch (op) {                                       \
        case NEG: STEP(f_neg, d_neg); break;            \
        case SIGMOID: STEP(f_sigmoid, d_sigmoid); break; \
        case TANH: STEP(f_tanh, d_tanh); break;         \
        case EXP: STEP(f_exp, d_exp); break;            \
        case SIGNED_LOG: STEP(f_signed_log, d_signed_log); break; \
        case ABS: STEP(f_abs, d_abs); break;            \
        case SQUARE: STEP(f_square, d_square); break;   \
        case SQRT: STEP(f_sqrt, d_sqrt); break;         \
        default: STEP(f_signed_sqrt, d_signed_sqrt); break; \
    }

}  // namespace

// ---------------------------------------------------------------------------------------------
// One instruction over n values (a chunk of a row, or the rows of a reduced value). The op's value
// goes to `out`. In a stage, an op between a full value and a reduced one (one number per row)
// takes the number as a scalar (run_scalar) for each row in the chunk.

#define EVONORM_CLONES __attribute__((target_clones("avx2", "default")))


EVONORM_CLONES
void run_unary(int op, const float* __restrict a, float* __restrict out, int64_t n) {
#define EVONORM_RUN(f, d) _Pragma("omp simd") for (int64_t i = 0; i < n; i++) out[i] = f(a[i])
    EVONORM_UNARY_SWITCH(op, EVONORM_RUN)
#undef EVONORM_RUN
}

// A unary op of a·m + c with m, c reduced (one number each over these n values).
EVONORM_CLONES
void run_unary_affine(int op, const float* __restrict a, float m, float c, float* __restrict out, int64_t n) {
#define EVONORM_RUN(f, d) _Pragma("omp simd") for (int64_t i = 0; i < n; i++) out[i] = f(a[i] * m + c)
    EVONORM_UNARY_SWITCH(op, EVONORM_RUN)
#undef EVONORM_RUN
}

// Binary op on two arrays.
EVONORM_CLONES
void run_binary(int op, const float* a, const float* b, float* out, int64_t n) {
    switch (op) {
        case ADD:
#pragma omp simd
            for (int64_t i = 0; i < n; i++) out[i] = a[i] + b[i];
            break;
        case MUL:
#pragma omp simd
            for (int64_t i = 0; i < n; i++) out[i] = a[i] * b[i];
            break;
        case DIV:
#pragma omp simd
            for (int64_t i = 0; i < n; i++) out[i] = a[i] / b[i];
            break;
        default:  // MAX, as torch.maximum: NaN if either is NaN
#pragma omp simd
            for (int64_t i = 0; i < n; i++) {
                const float u = a[i], w = b[i];
                const float m = u < w ? w : u;
                out[i] = (u != u || w != w) ? u + w : m;
            }
            break;
    }
}

// Binary op of a full operand a and a reduced one s (one number over these n values).
EVONORM_CLONES
void run_scalar(int op, const float* a, float s, float* out, int64_t n) {
    switch (op) {
        case ADD:
#pragma omp simd
            for (int64_t i = 0; i < n; i++) out[i] = a[i] + s;
            break;
        case MUL:
#pragma omp simd
            for (int64_t i = 0; i < n; i++) out[i] = a[i] * s;
            break;
        case DIV: {  // a / s as GraphBlock computes it: a · (1/s)
            const float r = 1.0f / s;
#pragma omp simd
            for (int64_t i = 0; i < n; i++) out[i] = a[i] * r;
            break;
        }
        case RDIV:  // s / a
#pragma omp simd
            for (int64_t i = 0; i < n; i++) out[i] = s / a[i];
            break;
        default:  // MAX_REDUCED: s + relu(a − s); relu(NaN) = NaN
#pragma omp simd
            for (int64_t i = 0; i < n; i++) {
                const float d = a[i] - s;
                const float r = d > 0.0f ? d : (d != d ? d : 0.0f);
                out[i] = r + s;
            }
            break;
    }
}

// The backward kernels write (set) or add to a gradient buffer: the stages write the first
// gradient of each buffer instead of clearing it beforehand. Each variant is a loop of its own, so
// that both vectorize.
#define EVONORM_STORE(set, dst, expr)                                                   \
    do {                                                                                \
        if (set) {                                                                      \
            _Pragma("omp simd") for (int64_t i = 0; i < n; i++) dst[i] = (expr);        \
        } else {                                                                        \
            _Pragma("omp simd") for (int64_t i = 0; i < n; i++) dst[i] += (expr);       \
        }                                                                               \
    } while (0)

#define EVONORM_STORE2(set_a, ga, ea, set_b, gb, eb)                                                          \
    do {                                                                                                      \
        if (set_a && set_b) {                                                                                 \
            _Pragma("omp simd") for (int64_t i = 0; i < n; i++) { ga[i] = (ea); gb[i] = (eb); }               \
        } else if (set_a) {                                                                                   \
            _Pragma("omp simd") for (int64_t i = 0; i < n; i++) { ga[i] = (ea); gb[i] += (eb); }              \
        } else if (set_b) {                                                                                   \
            _Pragma("omp simd") for (int64_t i = 0; i < n; i++) { ga[i] += (ea); gb[i] = (eb); }              \
        } else {                                                                                              \
            _Pragma("omp simd") for (int64_t i = 0; i < n; i++) { ga[i] += (ea); gb[i] += (eb); }             \
        }                                                                                                     \
    } while (0)

// The same with a sum over the loop, gs += sum_expr (gs: a float the caller declares), in the same
// pass; 32 lanes give independent partial sums, so that the adds do not wait on each other.
#define EVONORM_STORE_SUM(set, dst, expr, sum_expr)                                         \
    do {                                                                                         \
        if (set) {                                                                               \
            _Pragma("omp simd reduction(+ : gs) simdlen(32)") for (int64_t i = 0; i < n; i++) { \
                dst[i] = (expr);                                                                 \
                gs += (sum_expr);                                                               \
            }                                                                                    \
        } else {                                                                                 \
            _Pragma("omp simd reduction(+ : gs) simdlen(32)") for (int64_t i = 0; i < n; i++) { \
                dst[i] += (expr);                                                                \
                gs += (sum_expr);                                                               \
            }                                                                                    \
        }                                                                                        \
    } while (0)

namespace {

// torch.maximum's backward: the larger operand takes the gradient, a tie shares it.
__attribute__((always_inline)) inline float max_grad_first(float g, float u, float w) {
    return u < w ? 0.0f : (u == w ? 0.5f * g : g);
}

}  // namespace

// Backward of a unary op: ga (+)= g·dop, from the operand a and the op's value o.
EVONORM_CLONES
void back_unary(int op, const float* __restrict a, const float* __restrict o, const float* __restrict g,
                float* __restrict ga, bool set_a, int64_t n) {
#define EVONORM_BACK(f, d) EVONORM_STORE(set_a, ga, d(g[i], a[i], o[i]))
    EVONORM_UNARY_SWITCH(op, EVONORM_BACK)
#undef EVONORM_BACK
}

// Backward of run_unary_affine: with du = g·f'(a·m + c), ga (+)= du·m, and Σ du·a, Σ du are added
// to g_m, g_c.
EVONORM_CLONES
void back_unary_affine(int op, const float* __restrict a, float m, float c, const float* __restrict o,
                       const float* __restrict g, float* __restrict ga, bool set_a, int64_t n, float& g_m, float& g_c) {
    float sm = 0.0f, sc = 0.0f;
#define EVONORM_BACK(f, d)                                                           \
    if (set_a) {                                                                     \
        _Pragma("omp simd reduction(+ : sm, sc) simdlen(32)") for (int64_t i = 0; i < n; i++) { \
            const float du = d(g[i], a[i] * m + c, o[i]);                            \
            ga[i] = du * m;                                                          \
            sm += du * a[i];                                                         \
            sc += du;                                                                \
        }                                                                            \
    } else {                                                                         \
        _Pragma("omp simd reduction(+ : sm, sc) simdlen(32)") for (int64_t i = 0; i < n; i++) { \
            const float du = d(g[i], a[i] * m + c, o[i]);                            \
            ga[i] += du * m;                                                         \
            sm += du * a[i];                                                         \
            sc += du;                                                                \
        }                                                                            \
    }
    EVONORM_UNARY_SWITCH(op, EVONORM_BACK)
#undef EVONORM_BACK
    g_m += sm;
    g_c += sc;
}

// Backward of a binary op: ga (+)= g·∂op/∂a, gb (+)= g·∂op/∂b, element by element; ga and gb must
// not overlap.
EVONORM_CLONES
void back_binary(int op, const float* __restrict a, const float* __restrict b, const float* __restrict g,
                 float* __restrict ga, bool set_a, float* __restrict gb, bool set_b, int64_t n) {
    switch (op) {
        case ADD: EVONORM_STORE2(set_a, ga, g[i], set_b, gb, g[i]); break;
        case MUL: EVONORM_STORE2(set_a, ga, g[i] * b[i], set_b, gb, g[i] * a[i]); break;
        case DIV:
            if (a == b) {  // v/v: as PyTorch, g/v and −g·v/v², whose sum is exactly 0 where PyTorch's is
                EVONORM_STORE2(set_a, ga, g[i] / b[i], set_b, gb, -g[i] * a[i] / (b[i] * b[i]));
            } else {  // one division: q = g/b, then −g·a/b² = −q·a/b = −q·(a·(1/b))
                EVONORM_STORE2(set_a, ga, g[i] * (1.0f / b[i]), set_b, gb, -(g[i] * (1.0f / b[i])) * (a[i] * (1.0f / b[i])));
            }
            break;
        default:  // MAX
            EVONORM_STORE2(set_a, ga, max_grad_first(g[i], a[i], b[i]), set_b, gb, max_grad_first(g[i], b[i], a[i]));
            break;
    }
}

// Backward of run_scalar: ga (+)= g·∂op/∂a; returns Σ g·∂op/∂s over the n values.
EVONORM_CLONES
float back_scalar(int op, const float* __restrict a, float s, const float* __restrict g, float* __restrict ga,
                  bool set_a, int64_t n) {
    float gs = 0.0f;
    switch (op) {
        case ADD:
            EVONORM_STORE_SUM(set_a, ga, g[i], g[i]);
            return gs;
        case MUL:
            EVONORM_STORE_SUM(set_a, ga, g[i] * s, g[i] * a[i]);
            return gs;
        case DIV: {  // a·r, r = 1/s: ∂/∂s = −a·r²
            const float r = 1.0f / s;
            EVONORM_STORE_SUM(set_a, ga, g[i] * r, g[i] * a[i]);
            return -gs * r * r;
        }
        case RDIV:  // s / a
            EVONORM_STORE_SUM(set_a, ga, -g[i] * s / (a[i] * a[i]), g[i] / a[i]);
            return gs;
        default:  // MAX_REDUCED: a takes g where a − s > 0, s the rest
            EVONORM_STORE_SUM(set_a, ga, a[i] - s > 0.0f ? g[i] : 0.0f, a[i] - s > 0.0f ? 0.0f : g[i]);
            return gs;
    }
}

// a·m + c with m, c reduced (one number each over these n values), and its backward: ga (+)= g·m,
// and Σ g·a, Σ g added to g_m, g_c.
EVONORM_CLONES
void run_affine(const float* a, float m, float c, float* out, int64_t n) {
#pragma omp simd
    for (int64_t i = 0; i < n; i++) out[i] = a[i] * m + c;
}

EVONORM_CLONES
void back_affine(const float* __restrict a, float m, const float* __restrict g, float* __restrict ga, bool set_a,
                 int64_t n, float& g_m, float& g_c) {
    float sm = 0.0f, sc = 0.0f;
    if (set_a) {
#pragma omp simd reduction(+ : sm, sc) simdlen(32)
        for (int64_t i = 0; i < n; i++) {
            ga[i] = g[i] * m;
            sm += g[i] * a[i];
            sc += g[i];
        }
    } else {
#pragma omp simd reduction(+ : sm, sc) simdlen(32)
        for (int64_t i = 0; i < n; i++) {
            ga[i] += g[i] * m;
            sm += g[i] * a[i];
            sc += g[i];
        }
    }
    g_m += sm;
    g_c += sc;
}

// max(a·m + c, p) as p + relu(a·m + c − p) (relu(NaN) = NaN), and its backward: where the affine
// value exceeds p it takes g (ga (+)= g·m, Σ g·a and Σ g to g_m, g_c), elsewhere p does (g_p).
EVONORM_CLONES
void run_affine_max(const float* __restrict a, float m, float c, float p, float* __restrict out, int64_t n) {
#pragma omp simd
    for (int64_t i = 0; i < n; i++) {
        const float d = a[i] * m + c - p;
        out[i] = (d > 0.0f ? d : (d != d ? d : 0.0f)) + p;
    }
}

EVONORM_CLONES
void back_affine_max(const float* __restrict a, float m, float c, float p, const float* __restrict g,
                     float* __restrict ga, bool set_a, int64_t n, float& g_m, float& g_c, float& g_p) {
    float sm = 0.0f, sc = 0.0f, sp = 0.0f;
    if (set_a) {
#pragma omp simd reduction(+ : sm, sc, sp) simdlen(32)
        for (int64_t i = 0; i < n; i++) {
            const float gu = a[i] * m + c - p > 0.0f ? g[i] : 0.0f;
            ga[i] = gu * m;
            sm += gu * a[i];
            sc += gu;
            sp += g[i] - gu;
        }
    } else {
#pragma omp simd reduction(+ : sm, sc, sp) simdlen(32)
        for (int64_t i = 0; i < n; i++) {
            const float gu = a[i] * m + c - p > 0.0f ? g[i] : 0.0f;
            ga[i] += gu * m;
            sm += gu * a[i];
            sc += gu;
            sp += g[i] - gu;
        }
    }
    g_m += sm;
    g_c += sc;
    g_p += sp;
}

// ---------------------------------------------------------------------------------------------
// The loops of a stage around the program, each in a function of its own so that it is cloned for
// AVX2 and vectorized (inlined into the OpenMP region, the float reductions stayed scalar).

EVONORM_CLONES
void add_sums(const float* __restrict v, int64_t n, double& s1, double& s2) {
    float a = 0.0f, b = 0.0f;
#pragma omp simd reduction(+ : a, b) simdlen(32)
    for (int64_t i = 0; i < n; i++) {
        a += v[i];
        b += v[i] * v[i];
    }
    s1 += a;
    s2 += b;
}

EVONORM_CLONES
void scale_shift(const float* __restrict o, float* __restrict dst, int64_t n, float g, float b) {
#pragma omp simd
    for (int64_t i = 0; i < n; i++) dst[i] = o[i] * g + b;
}

// The output's backward: g_out (+)= gy·γ; Σ gy·o (γ's gradient) and Σ gy (β's) are added to sg, sb.
EVONORM_CLONES
void scale_shift_backward(const float* __restrict gy, const float* __restrict o, float* __restrict g_out, bool set,
                          int64_t n, float g, double& sg, double& sb) {
    float a = 0.0f, b = 0.0f;
    if (set) {
#pragma omp simd reduction(+ : a, b) simdlen(32)
        for (int64_t i = 0; i < n; i++) {
            g_out[i] = gy[i] * g;
            a += gy[i] * o[i];
            b += gy[i];
        }
    } else {
#pragma omp simd reduction(+ : a, b) simdlen(32)
        for (int64_t i = 0; i < n; i++) {
            g_out[i] += gy[i] * g;
            a += gy[i] * o[i];
            b += gy[i];
        }
    }
    sg += a;
    sb += b;
}

// The output as a quotient of two full values: dst = a/b·γ + β.
EVONORM_CLONES
void quotient_out(const float* __restrict a, const float* __restrict b, float* __restrict dst, int64_t n, float g,
                  float beta) {
#pragma omp simd
    for (int64_t i = 0; i < n; i++) dst[i] = a[i] / b[i] * g + beta;
}

// Its backward with one division: r = 1/b, o = a·r; Σ gy·o and Σ gy go to sg, sb; with
// q = gy·γ·r, ga (+)= q and gb (+)= −q·o (= −gy·γ·a/b²).
EVONORM_CLONES
void quotient_out_backward(const float* __restrict gy, const float* __restrict a, const float* __restrict b,
                           float* __restrict ga, bool set_a, float* __restrict gb, bool set_b, int64_t n, float g,
                           double& sg, double& sb) {
    float s1 = 0.0f, s2 = 0.0f;
    if (set_a && set_b) {
#pragma omp simd reduction(+ : s1, s2) simdlen(32)
        for (int64_t i = 0; i < n; i++) {
            const float r = 1.0f / b[i], o = a[i] * r, q = gy[i] * g * r;
            s1 += gy[i] * o;
            s2 += gy[i];
            ga[i] = q;
            gb[i] = -q * o;
        }
    } else {
#pragma omp simd reduction(+ : s1, s2) simdlen(32)
        for (int64_t i = 0; i < n; i++) {
            const float r = 1.0f / b[i], o = a[i] * r, q = gy[i] * g * r;
            s1 += gy[i] * o;
            s2 += gy[i];
            ga[i] = (set_a ? 0.0f : ga[i]) + q;
            gb[i] = (set_b ? 0.0f : gb[i]) - q * o;
        }
    }
    sg += s1;
    sb += s2;
}

// The moments' backward: g_v (+)= g_mean + g_square·v (g_mean, g_square already per element).
EVONORM_CLONES
void moments_backward(const float* __restrict v, float* __restrict g_v, bool set, int64_t n, float g_mean,
                      float g_square) {
    EVONORM_STORE(set, g_v, g_mean + g_square * v[i]);
}

EVONORM_CLONES
void add_into(float* dst, const float* src, int64_t n) {
#pragma omp simd
    for (int64_t i = 0; i < n; i++) dst[i] += src[i];
}

namespace {

// A chunk is either a piece of one row (rows longer than CHUNK) or several whole rows (shorter
// ones: late layers of a network have 7×7 planes, and a row at a time would spend more on the
// per-chunk bookkeeping than on the values). Rows are contiguous in memory, so a chunk is one
// contiguous range of x; `segments` says which row each part belongs to.
struct Segment {
    int64_t row;    // (n, c) row index
    int64_t start;  // position within the chunk
    int64_t len;
};

// An internal opcode: two ops with reduced operands fused into one pass each way, a·M + C with M
// and C per row, where the first op's value has no other use. The forms:
//   SCALE_SHIFT  a·m + t        (m = s, or 1/s for a quotient)
//   SHIFT_SCALE  (a + t)·m = a·m + t·m
//   NEG_SHIFT    −a + t
// — the scale-and-shift by statistics that normalization layers are made of. GraphBlock's
// composition collapses the same chains into one affine step, with the same coefficients.
constexpr int AFFINE = 100;
enum AffineForm : int { SCALE_SHIFT = 0, SHIFT_SCALE = 1, NEG_SHIFT = 2, SCALE_ONLY = 3, SHIFT_ONLY = 4 };
// A unary op (in `unary`) of an AFFINE value, or of a single product, quotient or sum with a
// statistic (forms SCALE_ONLY a·m, SHIFT_ONLY a + t): σ(v1·x) of EvoNorm-S0, tanh(x·s)… in one
// pass each way.
constexpr int UNARY_AFFINE = 102;
// An AFFINE whose value only feeds a max against a statistic p (the B-series' denominator, a
// ReLU-like threshold): max(a·M + C, p) in one pass, as p + relu(a·M + C − p). `limit` is p's
// reduced input.
constexpr int AFFINE_MAX = 101;

// An instruction as a stage runs it. An op between a full and a reduced value has its full operand
// in `a` and the reduced input's index (0-based) in `scalar`; otherwise scalar is −1. AFFINE: m's
// reduced input in `scalar` (−1 for NEG_SHIFT), t's in `shift`, `div` when m = 1/s. An elided
// instruction was fused into a later one. In the backward, set_a/set_b say that this is the first
// gradient written to that operand's buffer (it is written, not added: no buffer is cleared).
struct Instr {
    int op;
    int64_t a, b, scalar, shift;
    bool elided, set_a, set_b;
    int form;
    bool div;
    int64_t limit;
    int unary;

    // This row's M and C of an AFFINE instruction.
    void coefficients(const float* reduced, int64_t rows, int64_t row, float& m, float& c) const {
        if (form == SCALE_ONLY) {
            const float s = reduced[scalar * rows + row];
            m = div ? 1.0f / s : s;
            c = 0.0f;
            return;
        }
        const float t = reduced[shift * rows + row];
        if (form == SHIFT_ONLY) {
            m = 1.0f;
            c = t;
            return;
        }
        if (form == NEG_SHIFT) {
            m = -1.0f;
            c = t;
            return;
        }
        const float s = reduced[scalar * rows + row];
        m = div ? 1.0f / s : s;
        c = form == SHIFT_SCALE ? t * m : t;
    }

    // Adds to the reduced inputs' gradients of an AFFINE instruction, from this row's Σ g·a (∂/∂M)
    // and Σ g (∂/∂C).
    void add_gradients(const float* reduced, int64_t rows, int64_t row, float sum_ga, float sum_g,
                       double* g_reduced) const {
        if (form == SCALE_ONLY) {
            const float s = reduced[scalar * rows + row];
            const float m = div ? 1.0f / s : s;
            g_reduced[scalar * rows + row] += div ? -sum_ga * m * m : sum_ga;
            return;
        }
        if (form == NEG_SHIFT || form == SHIFT_ONLY) {
            g_reduced[shift * rows + row] += sum_g;
            return;
        }
        const float s = reduced[scalar * rows + row], t = reduced[shift * rows + row];
        const float m = div ? 1.0f / s : s;
        // SHIFT_SCALE: C = t·m, so ∂/∂t = m·Σg and ∂/∂m gains t·Σg.
        const float g_m = form == SHIFT_SCALE ? sum_ga + t * sum_g : sum_ga;
        g_reduced[shift * rows + row] += form == SHIFT_SCALE ? m * sum_g : sum_g;
        g_reduced[scalar * rows + row] += div ? -g_m * m * m : g_m;  // m = 1/s: ∂/∂s = ∂/∂m·(−m²)
    }
};

// A stage's program as run: the instructions, how the output is made, and which seeds of the
// backward write first.
// How the output's γ/β are applied: to the output's value (PLAIN), or fused with the instruction
// that makes it, when nothing else reads that value: a product with or quotient by a reduced value
// folds into γ (SCALED: y = a·(m·γ) + β), a quotient of two full values is one pass each way
// (QUOTIENT: y = a/b·γ + β, its backward with one division instead of three).
enum OutputForm : int { PLAIN = 0, SCALED = 1, QUOTIENT = 2 };

struct StageCode {
    std::vector<Instr> code;
    OutputForm output_form = PLAIN;
    Instr output{};  // the fused instruction (SCALED, QUOTIENT), elided in `code`
    bool set_output = false;
    std::vector<bool> set_moment;
    bool x_written = false;  // false: x's gradient is not written by this stage (none, or added)
};

// x_accumulates: x's gradient is added to what earlier stages wrote (no first write sets it).
StageCode compile(const StageProgram& p, bool x_accumulates) {
    StageCode out;
    const int64_t k = p.reduced_count;
    auto reduced = [k](int64_t slot) { return slot >= 1 && slot <= k; };
    for (int64_t i = 0; i < p.size(); i++) {
        Instr in{static_cast<int>(p.code[3 * i]), p.code[3 * i + 1], p.code[3 * i + 2], -1, -1, false, false, false, 0, false, -1, 0};
        const int64_t self = 1 + k + i;
        if (in.a < 0 || in.a >= self || (!is_unary(in.op) && (in.b < 0 || in.b >= self))) {
            throw std::invalid_argument("graph plan: an operand that is not computed before its instruction");
        }
        if (is_unary(in.op)) {
            if (reduced(in.a)) throw std::invalid_argument("graph plan: a unary op on a reduced value in a stage");
        } else if (reduced(in.a) && reduced(in.b)) {
            throw std::invalid_argument("graph plan: an op between two reduced values in a stage");
        } else if (reduced(in.b)) {
            in.scalar = in.b - 1;
            if (in.op == MAX) in.op = MAX_REDUCED;
        } else if (reduced(in.a)) {
            in.scalar = in.a - 1;
            in.a = in.b;
            if (in.op == DIV) in.op = RDIV;
            if (in.op == MAX) in.op = MAX_REDUCED;
        } else if (in.op == MAX_REDUCED) {
            throw std::invalid_argument("graph plan: max against a reduced value without one");
        }
        out.code.push_back(in);
    }
    // Fuse pairs of ops with reduced operands into AFFINE where the first one's value has no other use.
    std::vector<int> uses(p.slots(), 0);
    for (const Instr& in : out.code) {
        uses[in.a]++;
        if (!is_unary(in.op) && in.scalar < 0) uses[in.b]++;
    }
    for (int64_t m : p.moments) uses[m]++;
    if (p.output >= 0) uses[p.output]++;
    auto scalar_op = [](const Instr& in, int op) { return in.op == op && in.scalar >= 0; };
    for (size_t j = 0; j < out.code.size(); j++) {
        Instr& second = out.code[j];
        if (second.a <= k || second.elided || uses[second.a] != 1) continue;
        Instr& first_op = out.code[second.a - 1 - k];
        if (first_op.elided) continue;
        const bool second_add = scalar_op(second, ADD);
        const bool second_scale = scalar_op(second, MUL) || scalar_op(second, DIV);
        if (second_add && (scalar_op(first_op, MUL) || scalar_op(first_op, DIV))) {
            second.form = SCALE_SHIFT;
            second.div = first_op.op == DIV;
            second.shift = second.scalar;
            second.scalar = first_op.scalar;
        } else if (second_scale && scalar_op(first_op, ADD)) {
            second.form = SHIFT_SCALE;
            second.div = second.op == DIV;
            second.shift = first_op.scalar;
        } else if (second_add && first_op.op == NEG) {
            second.form = NEG_SHIFT;
            second.shift = second.scalar;
            second.scalar = -1;
        } else {
            continue;
        }
        second.op = AFFINE;
        second.a = first_op.a;
        first_op.elided = true;
    }
    for (Instr& f : out.code) {
        if (!is_unary(f.op) || f.elided || f.a <= k || uses[f.a] != 1) continue;
        Instr& inner = out.code[f.a - 1 - k];
        if (inner.elided) continue;
        const int unary = f.op;
        if (inner.op == AFFINE) {
            f = inner;
        } else if (scalar_op(inner, MUL) || scalar_op(inner, DIV)) {
            f = inner;
            f.form = SCALE_ONLY;
            f.div = inner.op == DIV;
        } else if (scalar_op(inner, ADD)) {
            f = inner;
            f.form = SHIFT_ONLY;
            f.shift = inner.scalar;
            f.scalar = -1;
        } else {
            continue;
        }
        f.op = UNARY_AFFINE;
        f.unary = unary;
        inner.elided = true;
    }
    for (Instr& max : out.code) {
        if (max.op != MAX_REDUCED || max.elided || max.a <= k || uses[max.a] != 1) continue;
        Instr& affine = out.code[max.a - 1 - k];
        if (affine.op != AFFINE || affine.elided) continue;
        const int64_t limit = max.scalar;
        max = affine;
        max.op = AFFINE_MAX;
        max.limit = limit;
        affine.elided = true;
    }
    if (p.output > k && uses[p.output] == 1) {
        Instr& last = out.code[p.output - 1 - k];
        const bool scaled = (last.op == MUL || last.op == DIV) && last.scalar >= 0;
        const bool quotient = last.op == DIV && last.scalar < 0 && last.a != last.b;
        if (!last.elided && (scaled || quotient)) {
            out.output_form = scaled ? SCALED : QUOTIENT;
            out.output = last;
            last.elided = true;
        }
    }
    // The order of the backward's writes: the output's seed, the moments' seeds, the instructions
    // in reverse. The first write to a buffer sets it.
    std::vector<bool> written(p.slots(), false);
    written[0] = x_accumulates;
    auto first = [&written](int64_t slot) {
        const bool set = !written[slot];
        written[slot] = true;
        return set;
    };
    if (out.output_form == PLAIN && p.output >= 0) out.set_output = first(p.output);
    if (out.output_form != PLAIN) {
        out.output.set_a = first(out.output.a);
        if (out.output_form == QUOTIENT) out.output.set_b = first(out.output.b);
    }
    for (int64_t m : p.moments) out.set_moment.push_back(first(m));
    for (int64_t i = static_cast<int64_t>(out.code.size()) - 1; i >= 0; i--) {
        Instr& in = out.code[i];
        if (in.elided) continue;
        in.set_a = first(in.a);
        if (in.op >= ADD && in.op <= MAX && in.scalar < 0) in.set_b = first(in.b);  // two full operands
    }
    out.x_written = written[0] && !x_accumulates;
    return out;
}

// The values of one chunk: vals[0] is x's range, vals[slot] an instruction's output (reduced
// inputs have none: instructions read them per row as scalars).
struct ChunkValues {
    const StageCode& program;
    const int64_t reduced_count;
    std::vector<const float*> vals;
    std::vector<float> scratch;  // instruction outputs, CHUNK each

    // `code` is compile(p), made before the parallel region (it throws on a bad plan).
    ChunkValues(const StageProgram& p, const StageCode& code)
        : program(code), reduced_count(p.reduced_count), vals(p.slots(), nullptr), scratch(p.size() * CHUNK) {}

    int64_t first_instruction_slot() const { return 1 + reduced_count; }

    void compute(const float* x, const float* reduced, int64_t rows, const std::vector<Segment>& segments, int64_t n) {
        vals[0] = x;
        for (size_t i = 0; i < program.code.size(); i++) {
            const Instr& in = program.code[i];
            if (in.elided) continue;
            float* o = scratch.data() + i * CHUNK;
            if (is_unary(in.op)) {
                run_unary(in.op, vals[in.a], o, n);
            } else if (in.op == AFFINE || in.op == AFFINE_MAX || in.op == UNARY_AFFINE) {
                for (const Segment& sg : segments) {
                    float m, c;
                    in.coefficients(reduced, rows, sg.row, m, c);
                    if (in.op == AFFINE) {
                        run_affine(vals[in.a] + sg.start, m, c, o + sg.start, sg.len);
                    } else if (in.op == UNARY_AFFINE) {
                        run_unary_affine(in.unary, vals[in.a] + sg.start, m, c, o + sg.start, sg.len);
                    } else {
                        run_affine_max(vals[in.a] + sg.start, m, c, reduced[in.limit * rows + sg.row], o + sg.start, sg.len);
                    }
                }
            } else if (in.scalar < 0) {
                run_binary(in.op, vals[in.a], vals[in.b], o, n);
            } else {
                for (const Segment& sg : segments) {
                    run_scalar(in.op, vals[in.a] + sg.start, reduced[in.scalar * rows + sg.row], o + sg.start, sg.len);
                }
            }
            vals[first_instruction_slot() + i] = o;
        }
    }
};

// Gradients of one chunk: one buffer per instruction; x's is the chunk's range of the gradient
// tensor itself (set with `at`), written or added to directly.
struct ChunkGradients {
    const int64_t reduced_count;
    std::vector<float> buffer;
    float* x = nullptr;

    explicit ChunkGradients(const StageProgram& p) : reduced_count(p.reduced_count), buffer(p.size() * CHUNK) {}

    void at(float* gx_chunk) { x = gx_chunk; }

    float* of(int64_t slot) { return slot == 0 ? x : buffer.data() + (slot - reduced_count - 1) * CHUNK; }
};

// Rows per chunk and chunks per row; work is split over groups of rows, so that every row is
// handled by one thread (per-row sums need no locking).
struct Tiling {
    int64_t rows, hw, rows_per_group, groups;

    Tiling(int64_t rows_, int64_t hw_) : rows(rows_), hw(hw_) {
        rows_per_group = hw >= CHUNK ? 1 : CHUNK / hw;
        groups = (rows + rows_per_group - 1) / rows_per_group;
    }

    // The chunks of group g, one after another: fills `segments` and returns the chunk's first
    // element (offset into the tensor) and length, for chunk index `k`; false when done.
    bool chunk(int64_t g, int64_t k, std::vector<Segment>& segments, int64_t& first, int64_t& len) const {
        segments.clear();
        const int64_t row0 = g * rows_per_group;
        if (rows_per_group == 1) {
            const int64_t off = k * CHUNK;
            if (off >= hw) return false;
            len = std::min(CHUNK, hw - off);
            first = row0 * hw + off;
            segments.push_back({row0, 0, len});
            return true;
        }
        if (k > 0) return false;
        const int64_t count = std::min(rows_per_group, rows - row0);
        for (int64_t r = 0; r < count; r++) segments.push_back({row0 + r, r * hw, hw});
        first = row0 * hw;
        len = count * hw;
        return true;
    }
};

}  // namespace

void stage_forward(const StageProgram& p, const Rows& shape, const float* px, const float* pr,
                   const float* pg, const float* pb, float* py, double* pm) {
    const int64_t rows = shape.rows(), hw = shape.hw, c = shape.c;
    const int64_t m_count = static_cast<int64_t>(p.moments.size());
    const bool write_output = p.output >= 0 && py != nullptr;
    const StageCode code = compile(p, false);
    const Tiling tiling(rows, hw);
#pragma omp parallel num_threads(evonorm_native::threads())
    {
        ChunkValues v(p, code);
        std::vector<Segment> segments;
        std::vector<double> sums(2 * m_count * tiling.rows_per_group);
#pragma omp for schedule(static)
        for (int64_t grp = 0; grp < tiling.groups; grp++) {
            std::fill(sums.begin(), sums.end(), 0.0);
            const int64_t row0 = grp * tiling.rows_per_group;
            int64_t first = 0, len = 0;
            for (int64_t k = 0; tiling.chunk(grp, k, segments, first, len); k++) {
                v.compute(px + first, pr, rows, segments, len);
                for (const Segment& sg : segments) {
                    const int64_t local = sg.row - row0;
                    for (int64_t m = 0; m < m_count; m++) {
                        add_sums(v.vals[p.moments[m]] + sg.start, sg.len, sums[(local * m_count + m) * 2],
                                 sums[(local * m_count + m) * 2 + 1]);
                    }
                    if (write_output) {
                        const int64_t ch = sg.row % c;
                        float* dst = py + first + sg.start;
                        const Instr& o = code.output;
                        switch (code.output_form) {
                            case PLAIN:
                                scale_shift(v.vals[p.output] + sg.start, dst, sg.len, pg[ch], pb[ch]);
                                break;
                            case SCALED: {
                                const float s = pr[o.scalar * rows + sg.row];
                                scale_shift(v.vals[o.a] + sg.start, dst, sg.len, (o.op == MUL ? s : 1.0f / s) * pg[ch], pb[ch]);
                                break;
                            }
                            case QUOTIENT:
                                quotient_out(v.vals[o.a] + sg.start, v.vals[o.b] + sg.start, dst, sg.len, pg[ch], pb[ch]);
                                break;
                        }
                    }
                }
            }
            const int64_t count = std::min(tiling.rows_per_group, rows - row0);
            for (int64_t local = 0; local < count; local++) {
                for (int64_t m = 0; m < m_count; m++) {
                    pm[(2 * m) * rows + row0 + local] = sums[(local * m_count + m) * 2] / hw;
                    pm[(2 * m + 1) * rows + row0 + local] = sums[(local * m_count + m) * 2 + 1] / hw;
                }
            }
        }
    }
}

namespace {

// One stage's backward over one chunk, after v.compute: seeds the gradients of the output (gy·γ)
// and of the emitted moments, runs the program in reverse, and leaves x's gradient in
// grad.of(0) (when the stage gives x one). Adds the reduced inputs' gradients (per row) into
// g_reduced, and γ's and β's per row into g_gamma_rows / g_beta_rows.
struct ChunkBackward {
    const StageProgram& p;
    const StageCode& code;
    const Rows& shape;
    const float* reduced;
    const float* gamma;
    const float* gy;         // null: no output gradient
    const double* gmoments;  // null: no moment gradients

    void run(ChunkValues& v, ChunkGradients& grad, std::vector<float>& twin, const std::vector<Segment>& segments,
             int64_t first, int64_t len, double* g_reduced, double* g_gamma_rows, double* g_beta_rows) const {
        const int64_t rows = shape.rows(), hw = shape.hw, c = shape.c;
        for (const Segment& sg : segments) {
            if (gy != nullptr) {
                const float* gys = gy + first + sg.start;
                const float gm = gamma[sg.row % c];
                const Instr& o = code.output;
                switch (code.output_form) {
                    case PLAIN:
                        scale_shift_backward(gys, v.vals[p.output] + sg.start, grad.of(p.output) + sg.start,
                                             code.set_output, sg.len, gm, g_gamma_rows[sg.row], g_beta_rows[sg.row]);
                        break;
                    case SCALED: {
                        // y = a·m·γ + β, m = s or 1/s: Σ gy·a gives γ's gradient (times m) and s's.
                        const int64_t at = o.scalar * rows + sg.row;
                        const float m = o.op == MUL ? reduced[at] : 1.0f / reduced[at];
                        double sum_a = 0.0;
                        scale_shift_backward(gys, v.vals[o.a] + sg.start, grad.of(o.a) + sg.start, o.set_a, sg.len,
                                             m * gm, sum_a, g_beta_rows[sg.row]);
                        g_gamma_rows[sg.row] += m * sum_a;
                        g_reduced[at] += o.op == MUL ? gm * sum_a : -gm * sum_a * m * m;
                        break;
                    }
                    case QUOTIENT:
                        quotient_out_backward(gys, v.vals[o.a] + sg.start, v.vals[o.b] + sg.start, grad.of(o.a) + sg.start,
                                              o.set_a, grad.of(o.b) + sg.start, o.set_b, sg.len, gm, g_gamma_rows[sg.row],
                                              g_beta_rows[sg.row]);
                        break;
                }
            }
            if (gmoments != nullptr) {
                for (size_t m = 0; m < p.moments.size(); m++) {
                    const float g_mean = static_cast<float>(gmoments[(2 * m) * rows + sg.row] / hw);
                    const float g_square = static_cast<float>(2.0 * gmoments[(2 * m + 1) * rows + sg.row] / hw);
                    const int64_t slot = p.moments[m];
                    moments_backward(v.vals[slot] + sg.start, grad.of(slot) + sg.start, code.set_moment[m], sg.len,
                                     g_mean, g_square);
                }
            }
        }
        for (int64_t i = static_cast<int64_t>(code.code.size()) - 1; i >= 0; i--) {
            const Instr& in = code.code[i];
            if (in.elided) continue;
            const int64_t self = v.first_instruction_slot() + i;
            const float* gi = grad.of(self);
            if (is_unary(in.op)) {
                back_unary(in.op, v.vals[in.a], v.vals[self], gi, grad.of(in.a), in.set_a, len);
            } else if (in.op == AFFINE || in.op == AFFINE_MAX || in.op == UNARY_AFFINE) {
                for (const Segment& sg : segments) {
                    float m, c, sum_ga = 0.0f, sum_g = 0.0f;
                    in.coefficients(reduced, rows, sg.row, m, c);
                    if (in.op == AFFINE) {
                        back_affine(v.vals[in.a] + sg.start, m, gi + sg.start, grad.of(in.a) + sg.start, in.set_a,
                                    sg.len, sum_ga, sum_g);
                    } else if (in.op == UNARY_AFFINE) {
                        back_unary_affine(in.unary, v.vals[in.a] + sg.start, m, c, v.vals[self] + sg.start, gi + sg.start,
                                          grad.of(in.a) + sg.start, in.set_a, sg.len, sum_ga, sum_g);
                    } else {
                        const int64_t at = in.limit * rows + sg.row;
                        float sum_limit = 0.0f;
                        back_affine_max(v.vals[in.a] + sg.start, m, c, reduced[at], gi + sg.start, grad.of(in.a) + sg.start,
                                        in.set_a, sg.len, sum_ga, sum_g, sum_limit);
                        g_reduced[at] += sum_limit;
                    }
                    in.add_gradients(reduced, rows, sg.row, sum_ga, sum_g, g_reduced);
                }
            } else if (in.scalar >= 0) {
                for (const Segment& sg : segments) {
                    const int64_t at = in.scalar * rows + sg.row;
                    g_reduced[at] += back_scalar(in.op, v.vals[in.a] + sg.start, reduced[at], gi + sg.start,
                                                 grad.of(in.a) + sg.start, in.set_a, sg.len);
                }
            } else if (in.a != in.b) {
                back_binary(in.op, v.vals[in.a], v.vals[in.b], gi, grad.of(in.a), in.set_a, grad.of(in.b), in.set_b, len);
            } else {
                // One value on both sides (v·v, v + v): the second gradient goes through a buffer
                // of its own, the loops assume their outputs do not overlap.
                back_binary(in.op, v.vals[in.a], v.vals[in.a], gi, grad.of(in.a), in.set_a, twin.data(), true, len);
                add_into(grad.of(in.a), twin.data(), len);
            }
        }
    }
};

}  // namespace

void stage_backward(const StageProgram& p, const Rows& shape, const float* px, const float* pr,
                    const float* pg, const float* pgy, const double* pgm, float* pgx, bool add_to_gx,
                    double* g_reduced, double* g_gamma_rows, double* g_beta_rows) {
    const StageCode code = compile(p, add_to_gx);
    const Tiling tiling(shape.rows(), shape.hw);
    const ChunkBackward back{p, code, shape, pr, pg, p.output >= 0 ? pgy : nullptr, pgm};
#pragma omp parallel num_threads(evonorm_native::threads())
    {
        ChunkValues v(p, code);
        ChunkGradients grad(p);
        std::vector<Segment> segments;
        std::vector<float> twin(CHUNK);
#pragma omp for schedule(static)
        for (int64_t grp = 0; grp < tiling.groups; grp++) {
            int64_t first = 0, len = 0;
            for (int64_t k = 0; tiling.chunk(grp, k, segments, first, len); k++) {
                v.compute(px + first, pr, shape.rows(), segments, len);
                grad.at(pgx + first);
                back.run(v, grad, twin, segments, first, len, g_reduced, g_gamma_rows, g_beta_rows);
                if (!add_to_gx && !code.x_written) std::fill(pgx + first, pgx + first + len, 0.0f);
            }
        }
    }
}

}  // namespace evonorm_graph
