// The fused graph executor's element-wise kernels: each op of the instruction set, and the fused
// forms the stages run (evonorm_graph.cpp), as vectorized loops over n values, forward and
// backward. Each op's value and gradient follow what GraphBlock computes with PyTorch's ops,
// including its rewrites: max against a reduced p is p + relu(u − p) (the gradient goes to p on
// a tie), max of two full values is torch.maximum (ties share the gradient, NaN propagates),
// signed_sqrt of a value known to be non-negative is sqrt, and sign(0) = 0 in
// signed_log/signed_sqrt/abs. Every loop is compiled for AVX2 and for the x86-64 baseline, chosen
// when the library loads.
#include "graph_ops.h"
#include "native_common.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace evonorm_graph {

namespace {

// ---------------------------------------------------------------------------------------------
// Vectorizable float functions over the whole range (σ saturates instead, see f_sigmoid).
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
    // Near 0 the odd series (error < 2e-8 below 0.3).
    const float x2 = x * x;
    float p = 0.0218694885f;
    p = p * x2 - 0.0539682540f;
    p = p * x2 + 0.1333333333f;
    p = p * x2 - 0.3333333333f;
    const float small = x + x * x2 * p;
    // Beyond, 1 − 2/(e^{2a} + 1): the small term is accurate where tanh saturates, so 1 − tanh²
    // there rounds as PyTorch's does. The saturating e^x (clamped at 80: past a = 40 the result is
    // 1 in float either way) is two blends cheaper than e^x with exact tails.
    const float t = 1.0f - 2.0f / (evonorm_native::exp_approx(2.0f * a) + 1.0f);
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
// σ saturates as the hand-written S kernels' does (evonorm_native::sigmoid): exact 0 and +∞ tails
// of e^x cost two more blends per value and matter only to EXP itself.
__attribute__((always_inline)) inline float f_sigmoid(float u) { return evonorm_native::sigmoid(u); }
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

}  // namespace evonorm_graph
