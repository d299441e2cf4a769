// Fused CPU kernels for the hand-written EvoNorm layers, with their own backward (a custom autograd
// function), called from Java through JNI on the tensors of DJL's PyTorch engine.
//
// Why: composed from DJL's ops, EvoNorm-S0 is ~18 full-size kernels per training step and B0 ~21
// (their backward is what autograd builds from the forward ops), against BatchNorm+ReLU's 4 fused
// ones; every full-size kernel costs about the same memory traffic whatever it computes
// (docs/benchmarks.md). Here each layer is two passes over the tensor forward (statistics, output)
// and two backward (reductions, input gradient).
//
// The handles are what DJL's PtNDArray holds: a pointer to a heap-allocated at::Tensor; results
// are returned the same way and DJL frees them.
//
// Semantics follow the Java blocks exactly (EvoNormS.java, EvoNormB.java), including the tie
// rule of max(a, u) = a + relu(u − a): the gradient goes to a when u == a; variances are
// E[x²] − E[x]² clamped at 0, and a clamped variance passes no gradient (relu'(0) = 0).
#include <jni.h>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include "native_common.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// ---------------------------------------------------------------------------------------------
// Element-wise helpers. Written without branches that block vectorization; NaN propagates.

using evonorm_native::sigmoid;

// The gate of the S-series numerator x·σ(w·x): w = 0 means no gate (numerator x).
enum Gate : int { NO_GATE = 0, GATE_SELF = 1, GATE_SCALED = 2 };

// ---------------------------------------------------------------------------------------------
// Row kernels: one (sample, channel) row of hw contiguous floats. Each is compiled twice
// (AVX2 and the baseline) and picked at load time by what the CPU supports.
#define EVONORM_CLONES __attribute__((target_clones("avx2", "default")))

// Σ(x − k) and Σ(x − k)² of a row, in float lanes, added to double totals. The shift k (a value
// of the same group or channel) keeps E[x²] − E[x]² from cancelling when |mean| ≫ std: the
// variance of x − k is the variance of x, and its moments are small when k is near the mean.
EVONORM_CLONES
void row_moments(const float* x, int64_t hw, float k, double* sum, double* sum_sq) {
    float s = 0.0f, ss = 0.0f;
#pragma omp simd reduction(+ : s, ss)
    for (int64_t i = 0; i < hw; i++) {
        const float d = x[i] - k;
        s += d;
        ss += d * d;
    }
    *sum += s;
    *sum_sq += ss;
}

// y = num(x)·a + b, num = x·σ(w·x) (or x without a gate).
EVONORM_CLONES
void s_row_forward(const float* x, float* y, int64_t hw, int gate, float w, float a, float b) {
    if (gate == NO_GATE) {
#pragma omp simd
        for (int64_t i = 0; i < hw; i++) y[i] = x[i] * a + b;
        return;
    }
#pragma omp simd
    for (int64_t i = 0; i < hw; i++) y[i] = x[i] * sigmoid(w * x[i]) * a + b;
}

// Σgy, Σgy·num, Σgy·x²·σ'(w·x) of a row.
EVONORM_CLONES
void s_row_reduce(const float* x, const float* gy, int64_t hw, int gate, float w,
                  double* sum_g, double* sum_gn, double* sum_gw) {
    float sg = 0.0f, sgn = 0.0f, sgw = 0.0f;
    if (gate == NO_GATE) {
#pragma omp simd reduction(+ : sg, sgn)
        for (int64_t i = 0; i < hw; i++) {
            sg += gy[i];
            sgn += gy[i] * x[i];
        }
    } else {
#pragma omp simd reduction(+ : sg, sgn, sgw)
        for (int64_t i = 0; i < hw; i++) {
            const float s = sigmoid(w * x[i]);
            const float xs = x[i] * s;
            sg += gy[i];
            sgn += gy[i] * xs;
            sgw += gy[i] * xs * x[i] * (1.0f - s);
        }
    }
    *sum_g += sg;
    *sum_gn += sgn;
    *sum_gw += sgw;
}

// gx = gy·a·num'(x) + k·(x − center).
EVONORM_CLONES
void s_row_backward(const float* x, const float* gy, float* gx, int64_t hw, int gate, float w,
                    float a, float k, float center) {
    if (gate == NO_GATE) {
#pragma omp simd
        for (int64_t i = 0; i < hw; i++) gx[i] = gy[i] * a + k * (x[i] - center);
        return;
    }
#pragma omp simd
    for (int64_t i = 0; i < hw; i++) {
        const float s = sigmoid(w * x[i]);
        gx[i] = gy[i] * a * (s + w * x[i] * s * (1.0f - s)) + k * (x[i] - center);
    }
}

// The B-series right operand u of max(a, u) is an affine map of x per row: u = p·x + q.
// B0: p = v1, q = √(s²_{h,w}+eps); B1: p = q = √μ(x²); B2: p = −1, q = √μ(x²).
// den = max(a, u) with the gradient to a on ties; a NaN u gives a NaN den (relu(NaN) = NaN).

// max(a, u) as the composed form computes it, a + relu(u − a), for the per-row constant a: a NaN
// u gives NaN. A NaN a is handed over as a NaN q (see nan_if), so that u, and with it the
// result, is NaN too; testing a inside the loop would stop gcc from vectorizing the reductions.
__attribute__((always_inline)) inline float max_of(float a, float u) { return u <= a ? a : u; }

// q, or NaN when the other operand a of max(a, u) is NaN.
inline float nan_if(float a, float q) { return a != a ? a : q; }

// y = x/den·γ + β.
EVONORM_CLONES
void b_row_forward(const float* x, float* y, int64_t hw, float p, float q, float a, float g, float b) {
#pragma omp simd
    for (int64_t i = 0; i < hw; i++) {
        const float u = p * x[i] + q;
        const float den = max_of(a, u);
        y[i] = x[i] / den * g + b;
    }
}

// Per row: Σgy, Σgy·x/den, and with gd = −gy·γ·x/den²: Σgd where u wins (gu), Σgd·x where u wins,
// Σgd where a wins.
EVONORM_CLONES
void b_row_reduce(const float* x, const float* gy, int64_t hw, float p, float q, float a, float g,
                  double* sum_g, double* sum_gx_den, double* sum_gu, double* sum_gu_x, double* sum_ga) {
    float s_g = 0.0f, s_gxd = 0.0f, s_gu = 0.0f, s_gux = 0.0f, s_ga = 0.0f;
#pragma omp simd reduction(+ : s_g, s_gxd, s_gu, s_gux, s_ga)
    for (int64_t i = 0; i < hw; i++) {
        const float u = p * x[i] + q;
        const float den = max_of(a, u);
        const float ratio = x[i] / den;
        const float gd = -gy[i] * g * ratio / den;
        const float to_u = u > a ? gd : 0.0f;
        s_g += gy[i];
        s_gxd += gy[i] * ratio;
        s_gu += to_u;
        s_gux += to_u * x[i];
        s_ga += gd - to_u;
    }
    *sum_g += s_g;
    *sum_gx_den += s_gxd;
    *sum_gu += s_gu;
    *sum_gu_x += s_gux;
    *sum_ga += s_ga;
}

// gx = gy·γ/den + [u wins]·gd·p + k·x + c (k, c: the statistics' terms, linear in x per row).
EVONORM_CLONES
void b_row_backward(const float* x, const float* gy, float* gx, int64_t hw, float p, float q, float a,
                    float g, float k, float c) {
#pragma omp simd
    for (int64_t i = 0; i < hw; i++) {
        const float u = p * x[i] + q;
        const float den = max_of(a, u);
        const float inv = g / den;
        const float gd = -gy[i] * inv * x[i] / den;
        const float to_u = u > a ? gd : 0.0f;
        gx[i] = gy[i] * inv + to_u * p + k * x[i] + c;
    }
}

// ---------------------------------------------------------------------------------------------

using evonorm_native::threads;

void check_input(const at::Tensor& x) {
    TORCH_CHECK(x.dim() == 4, "evonorm native kernels need an NCHW tensor, got ", x.dim(), " dimensions");
    TORCH_CHECK(x.scalar_type() == at::kFloat, "evonorm native kernels need float32, got ", x.scalar_type());
    TORCH_CHECK(x.device().is_cpu(), "evonorm native kernels run on the CPU only");
}

// A per-channel vector (any shape with C elements) as C contiguous floats.
at::Tensor channels(const at::Tensor& t, int64_t c) {
    TORCH_CHECK(t.numel() == c, "a per-channel parameter has ", t.numel(), " values for ", c, " channels");
    return t.detach().to(at::kFloat).contiguous().reshape({c});
}

// Σ over samples of an (N, C) double table, as C floats shaped like `like`.
at::Tensor channel_sums(const std::vector<double>& table, int64_t n, int64_t c, const at::Tensor& like) {
    at::Tensor out = at::empty({c}, like.options().dtype(at::kFloat));
    float* o = out.data_ptr<float>();
    for (int64_t j = 0; j < c; j++) {
        double s = 0.0;
        for (int64_t i = 0; i < n; i++) s += table[i * c + j];
        o[j] = static_cast<float>(s);
    }
    return out.view(like.sizes());
}

// ---------------------------------------------------------------------------------------------
// S-series: num(x) / d_{n,g} · γ + β, d = √(s²_{h,w,c/g}(x) + eps) or √μ_{h,w,c/g}(x²).

struct EvoNormSFunction : public torch::autograd::Function<EvoNormSFunction> {
    static at::Tensor forward(AutogradContext* ctx, const at::Tensor& input, const at::Tensor& v,
                              const at::Tensor& gamma, const at::Tensor& beta, int64_t groups,
                              double eps, int64_t gate, bool mean_of_squares) {
        check_input(input);
        const at::Tensor x = input.contiguous();
        const int64_t n = x.size(0), c = x.size(1), hw = x.size(2) * x.size(3);
        TORCH_CHECK(groups >= 1 && c % groups == 0, groups, " groups do not divide ", c, " channels");
        const int64_t per_group = c / groups;
        const at::Tensor g = channels(gamma, c), b = channels(beta, c);
        const at::Tensor w = gate == GATE_SCALED ? channels(v, c) : at::Tensor();
        at::Tensor y = at::empty_like(x);
        // Per (n, group): the reciprocal denominator, the mean, and whether the variance's clamp
        // was active (then it passes no gradient).
        at::Tensor stats = at::empty({n * groups, 3}, x.options().dtype(at::kDouble));
        const float* px = x.data_ptr<float>();
        float* py = y.data_ptr<float>();
        const float* pg = g.data_ptr<float>();
        const float* pb = b.data_ptr<float>();
        const float* pw = w.defined() ? w.data_ptr<float>() : nullptr;
        double* ps = stats.data_ptr<double>();
        const double count = static_cast<double>(per_group * hw);
#pragma omp parallel for schedule(static) num_threads(threads())
        for (int64_t ng = 0; ng < n * groups; ng++) {
            const int64_t first = (ng / groups) * c + (ng % groups) * per_group;
            // μ(x²) needs no shift; the variance is taken about the group's first value.
            const float shift = mean_of_squares ? 0.0f : px[first * hw];
            double sum = 0.0, sum_sq = 0.0;
            for (int64_t k = 0; k < per_group; k++) row_moments(px + (first + k) * hw, hw, shift, &sum, &sum_sq);
            const double mean_d = sum / count, msq_d = sum_sq / count;
            const double mean = shift + mean_d;
            double d2;
            bool clamped = false;
            if (mean_of_squares) {
                d2 = msq_d;
            } else {
                const double var = msq_d - mean_d * mean_d;
                clamped = !(var > 0.0);
                d2 = (clamped && var == var ? 0.0 : var) + eps;
            }
            const double r = 1.0 / std::sqrt(d2);
            ps[ng * 3] = r;
            ps[ng * 3 + 1] = mean;
            ps[ng * 3 + 2] = clamped ? 1.0 : 0.0;
            for (int64_t k = 0; k < per_group; k++) {
                const int64_t ch = (first + k) % c;
                const float wk = gate == GATE_SELF ? 1.0f : (pw ? pw[ch] : 0.0f);
                s_row_forward(px + (first + k) * hw, py + (first + k) * hw, hw, static_cast<int>(gate), wk,
                              static_cast<float>(pg[ch] * r), pb[ch]);
            }
        }
        ctx->save_for_backward({x, stats, w, g});
        ctx->saved_data["groups"] = groups;
        ctx->saved_data["gate"] = gate;
        ctx->saved_data["mean_of_squares"] = mean_of_squares;
        ctx->saved_data["v_shape"] = v.defined() ? v.sizes().vec() : std::vector<int64_t>{};
        ctx->saved_data["gamma_shape"] = gamma.sizes().vec();
        ctx->saved_data["beta_shape"] = beta.sizes().vec();
        return y;
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads) {
        const auto saved = ctx->get_saved_variables();
        const at::Tensor& x = saved[0];
        const at::Tensor& stats = saved[1];
        const at::Tensor& w = saved[2];
        const at::Tensor& g = saved[3];
        const int64_t groups = ctx->saved_data["groups"].toInt();
        const int gate = static_cast<int>(ctx->saved_data["gate"].toInt());
        const bool mean_of_squares = ctx->saved_data["mean_of_squares"].toBool();
        const at::Tensor gy = grads[0].contiguous();
        const int64_t n = x.size(0), c = x.size(1), hw = x.size(2) * x.size(3);
        const int64_t per_group = c / groups;
        const double count = static_cast<double>(per_group * hw);
        at::Tensor gx = at::empty_like(x);
        std::vector<double> t_beta(n * c), t_gamma(n * c), t_w(n * c);
        const float* px = x.data_ptr<float>();
        const float* pgy = gy.data_ptr<float>();
        float* pgx = gx.data_ptr<float>();
        const float* pg = g.data_ptr<float>();
        const float* pw = w.defined() ? w.data_ptr<float>() : nullptr;
        const double* ps = stats.data_ptr<double>();
#pragma omp parallel for schedule(static) num_threads(threads())
        for (int64_t ng = 0; ng < n * groups; ng++) {
            const int64_t first = (ng / groups) * c + (ng % groups) * per_group;
            const double r = ps[ng * 3], mean = ps[ng * 3 + 1];
            const bool clamped = ps[ng * 3 + 2] != 0.0;
            double grad_r = 0.0;
            for (int64_t k = 0; k < per_group; k++) {
                const int64_t row = first + k, ch = row % c;
                const float wk = gate == GATE_SELF ? 1.0f : (pw ? pw[ch] : 0.0f);
                double sg = 0.0, sgn = 0.0, sgw = 0.0;
                s_row_reduce(px + row * hw, pgy + row * hw, hw, gate, wk, &sg, &sgn, &sgw);
                t_beta[row] = sg;
                t_gamma[row] = sgn * r;
                t_w[row] = sgw * pg[ch] * r;
                grad_r += sgn * pg[ch];
            }
            // r = D^(-1/2): dr/dD = −r³/2; D = μ(x²) (dD/dx = 2x/m) or E[x²] − μ² (+eps) (2(x − μ)/m).
            const double grad_d = clamped ? 0.0 : -0.5 * r * r * r * grad_r;
            const float k2 = static_cast<float>(2.0 * grad_d / count);
            const float center = mean_of_squares ? 0.0f : static_cast<float>(mean);
            for (int64_t k = 0; k < per_group; k++) {
                const int64_t row = first + k, ch = row % c;
                const float wk = gate == GATE_SELF ? 1.0f : (pw ? pw[ch] : 0.0f);
                s_row_backward(px + row * hw, pgy + row * hw, pgx + row * hw, hw, gate, wk,
                               static_cast<float>(pg[ch] * r), k2, center);
            }
        }
        const auto v_shape = ctx->saved_data["v_shape"].toIntVector();
        const auto gamma_shape = ctx->saved_data["gamma_shape"].toIntVector();
        const auto beta_shape = ctx->saved_data["beta_shape"].toIntVector();
        at::Tensor gv = gate == GATE_SCALED ? channel_sums(t_w, n, c, g).view(v_shape) : at::Tensor();
        return {gx, gv, channel_sums(t_gamma, n, c, g).view(gamma_shape), channel_sums(t_beta, n, c, g).view(beta_shape),
                at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
    }
};

// ---------------------------------------------------------------------------------------------
// B-series: x / max(a_c, u) · γ + β, a = √(s²_{b,h,w}(x) + eps) (running variance at inference),
// u per variant (see the row kernels). Returns y and the batch variance (C; empty at inference).

enum BVariant : int { B0 = 0, B1 = 1, B2 = 2 };

struct EvoNormBFunction : public torch::autograd::Function<EvoNormBFunction> {
    static variable_list forward(AutogradContext* ctx, const at::Tensor& input, const at::Tensor& v,
                                 const at::Tensor& gamma, const at::Tensor& beta, const at::Tensor& running_var,
                                 int64_t variant, bool training, double eps) {
        check_input(input);
        const at::Tensor x = input.contiguous();
        const int64_t n = x.size(0), c = x.size(1), hw = x.size(2) * x.size(3);
        const at::Tensor g = channels(gamma, c), b = channels(beta, c);
        const at::Tensor w = variant == B0 ? channels(v, c) : at::Tensor();
        at::Tensor y = at::empty_like(x);
        // Per (n,c): Σ(x − k_c), Σ(x − k_c)² with k_c the channel's first value (then the row's mean,
        // p and q of u = p·x + q, and whether the instance variance was clamped). Per channel: a,
        // the batch mean, and whether the batch variance was clamped.
        at::Tensor rows = at::empty({n * c, 5}, x.options().dtype(at::kDouble));
        at::Tensor chans = at::empty({c, 3}, x.options().dtype(at::kDouble));
        at::Tensor batch_var = training ? at::empty({c}, x.options()) : at::empty({0}, x.options());
        const float* px = x.data_ptr<float>();
        float* py = y.data_ptr<float>();
        const float* pg = g.data_ptr<float>();
        const float* pb = b.data_ptr<float>();
        const float* pw = w.defined() ? w.data_ptr<float>() : nullptr;
        double* pr = rows.data_ptr<double>();
        double* pc = chans.data_ptr<double>();
#pragma omp parallel for schedule(static) num_threads(threads())
        for (int64_t row = 0; row < n * c; row++) {
            double sum = 0.0, sum_sq = 0.0;
            row_moments(px + row * hw, hw, px[(row % c) * hw], &sum, &sum_sq);
            pr[row * 5] = sum;
            pr[row * 5 + 1] = sum_sq;
        }
        if (training) {
            float* pv = batch_var.data_ptr<float>();
            const double count = static_cast<double>(n * hw);
            for (int64_t ch = 0; ch < c; ch++) {
                double sum = 0.0, sum_sq = 0.0;
                for (int64_t i = 0; i < n; i++) {
                    sum += pr[(i * c + ch) * 5];
                    sum_sq += pr[(i * c + ch) * 5 + 1];
                }
                const double mean_d = sum / count, var = sum_sq / count - mean_d * mean_d;
                const bool clamped = !(var > 0.0);
                const double kept = clamped && var == var ? 0.0 : var;
                pv[ch] = static_cast<float>(kept);
                pc[ch * 3] = std::sqrt(kept + eps);
                pc[ch * 3 + 1] = px[ch * hw] + mean_d;
                pc[ch * 3 + 2] = clamped ? 1.0 : 0.0;
            }
        } else {
            const at::Tensor rv = channels(running_var, c);
            const float* prv = rv.data_ptr<float>();
            for (int64_t ch = 0; ch < c; ch++) {
                pc[ch * 3] = std::sqrt(static_cast<double>(prv[ch]) + eps);
                pc[ch * 3 + 1] = 0.0;
                pc[ch * 3 + 2] = 1.0;  // the running variance is a constant here: no gradient
            }
        }
#pragma omp parallel for schedule(static) num_threads(threads())
        for (int64_t row = 0; row < n * c; row++) {
            const int64_t ch = row % c;
            const double mean_d = pr[row * 5] / hw, var = pr[row * 5 + 1] / hw - mean_d * mean_d;
            const double mean = px[ch * hw] + mean_d;
            double p, q, clamped = 0.0;
            if (variant == B0) {
                clamped = var > 0.0 ? 0.0 : 1.0;
                p = pw[ch];
                q = std::sqrt((clamped != 0.0 && var == var ? 0.0 : var) + eps);
            } else {
                // μ(x²) = var + mean², a sum of non-negative terms (no cancellation).
                q = std::sqrt((var > 0.0 ? var : 0.0) + mean * mean);
                p = variant == B1 ? q : -1.0;
            }
            pr[row * 5] = mean;
            pr[row * 5 + 1] = var;
            pr[row * 5 + 2] = p;
            pr[row * 5 + 3] = q;
            pr[row * 5 + 4] = clamped;
            const float a = static_cast<float>(pc[ch * 3]);
            b_row_forward(px + row * hw, py + row * hw, hw, static_cast<float>(p), nan_if(a, static_cast<float>(q)),
                          a, pg[ch], pb[ch]);
        }
        ctx->save_for_backward({x, rows, chans, g});  // v1 is in `rows` (p of u = p·x + q)
        ctx->saved_data["variant"] = variant;
        ctx->saved_data["training"] = training;
        ctx->saved_data["v_shape"] = v.defined() ? v.sizes().vec() : std::vector<int64_t>{};
        ctx->saved_data["gamma_shape"] = gamma.sizes().vec();
        ctx->saved_data["beta_shape"] = beta.sizes().vec();
        ctx->mark_non_differentiable({batch_var});
        return {y, batch_var};
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads) {
        const auto saved = ctx->get_saved_variables();
        const at::Tensor& x = saved[0];
        const at::Tensor& rows = saved[1];
        const at::Tensor& chans = saved[2];
        const at::Tensor& g = saved[3];
        const int64_t variant = ctx->saved_data["variant"].toInt();
        const bool training = ctx->saved_data["training"].toBool();
        const int64_t n = x.size(0), c = x.size(1), hw = x.size(2) * x.size(3);
        at::Tensor gx = at::empty_like(x);
        if (!grads[0].defined()) {
            gx.zero_();
            return {gx, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
        }
        const at::Tensor gy = grads[0].contiguous();
        std::vector<double> t_beta(n * c), t_gamma(n * c), t_w(n * c), t_a(n * c), t_k(n * c), t_c(n * c);
        const float* px = x.data_ptr<float>();
        const float* pgy = gy.data_ptr<float>();
        float* pgx = gx.data_ptr<float>();
        const float* pg = g.data_ptr<float>();
        const double* pr = rows.data_ptr<double>();
        const double* pc = chans.data_ptr<double>();
#pragma omp parallel for schedule(static) num_threads(threads())
        for (int64_t row = 0; row < n * c; row++) {
            const int64_t ch = row % c;
            const double p = pr[row * 5 + 2], q = pr[row * 5 + 3];
            double sg = 0.0, sgxd = 0.0, sgu = 0.0, sgux = 0.0, sga = 0.0;
            const float a = static_cast<float>(pc[ch * 3]);
            b_row_reduce(px + row * hw, pgy + row * hw, hw, static_cast<float>(p), nan_if(a, static_cast<float>(q)),
                         a, pg[ch], &sg, &sgxd, &sgu, &sgux, &sga);
            t_beta[row] = sg;
            t_gamma[row] = sgxd;
            t_a[row] = sga;
            // The instance statistic's term, linear in x: gx += k·x + c.
            const double mean = pr[row * 5];
            double k = 0.0, cc = 0.0;
            if (variant == B0) {
                t_w[row] = sgux;  // u = v·x + q: dv = Σ gu·x
                if (pr[row * 5 + 4] == 0.0) {  // q = √(var + eps): dvar = Σgu / (2q); dx = dvar·2(x − μ)/hw
                    k = sgu / q / hw;
                    cc = -k * mean;
                }
            } else {
                // q = √μ(x²): dq = Σ gu·(x + 1) (B1) or Σ gu (B2); dμ(x²) = dq/(2q); dx = dμ·2x/hw.
                const double grad_q = variant == B1 ? sgux + sgu : sgu;
                k = grad_q / q / hw;
            }
            t_k[row] = k;
            t_c[row] = cc;
        }
        // The batch statistic's term per channel: a = √(var_b + eps), da = Σ over the rows where a won.
        std::vector<double> batch_k(c, 0.0), batch_c(c, 0.0);
        if (training) {
            const double count = static_cast<double>(n * hw);
            for (int64_t ch = 0; ch < c; ch++) {
                if (pc[ch * 3 + 2] != 0.0) continue;
                double grad_a = 0.0;
                for (int64_t i = 0; i < n; i++) grad_a += t_a[i * c + ch];
                const double k = grad_a / pc[ch * 3] / count;
                batch_k[ch] = k;
                batch_c[ch] = -k * pc[ch * 3 + 1];
            }
        }
#pragma omp parallel for schedule(static) num_threads(threads())
        for (int64_t row = 0; row < n * c; row++) {
            const int64_t ch = row % c;
            const float a = static_cast<float>(pc[ch * 3]);
            b_row_backward(px + row * hw, pgy + row * hw, pgx + row * hw, hw, static_cast<float>(pr[row * 5 + 2]),
                           nan_if(a, static_cast<float>(pr[row * 5 + 3])), a, pg[ch],
                           static_cast<float>(t_k[row] + batch_k[ch]), static_cast<float>(t_c[row] + batch_c[ch]));
        }
        const auto v_shape = ctx->saved_data["v_shape"].toIntVector();
        const auto gamma_shape = ctx->saved_data["gamma_shape"].toIntVector();
        const auto beta_shape = ctx->saved_data["beta_shape"].toIntVector();
        at::Tensor gv = variant == B0 ? channel_sums(t_w, n, c, g).view(v_shape) : at::Tensor();
        return {gx, gv, channel_sums(t_gamma, n, c, g).view(gamma_shape), channel_sums(t_beta, n, c, g).view(beta_shape),
                at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
    }
};

// ---------------------------------------------------------------------------------------------
// JNI. Exceptions become Java RuntimeExceptions with the message; 0 is returned then.

using evonorm_native::tensor;
using evonorm_native::throw_java;
using evonorm_native::to_handle;
// An absent parameter (v1 outside S0/B0) is passed as an empty tensor (optional_tensor):
// autograd's bookkeeping of a custom function's inputs needs every tensor argument to be defined.
using evonorm_native::optional_tensor;

}  // namespace

extern "C" {

JNIEXPORT jint JNICALL Java_dev_evonorm_layers_NativeKernels_abiVersion(JNIEnv*, jclass) { return 3; }

JNIEXPORT jlong JNICALL Java_dev_evonorm_layers_NativeKernels_evoNormS(JNIEnv* env, jclass, jlong x, jlong v,
        jlong gamma, jlong beta, jint groups, jdouble eps, jint gate, jboolean meanOfSquares) {
    try {
        at::Tensor y = EvoNormSFunction::apply(tensor(x), optional_tensor(v), tensor(gamma), tensor(beta),
                                               static_cast<int64_t>(groups), static_cast<double>(eps),
                                               static_cast<int64_t>(gate), meanOfSquares == JNI_TRUE);
        return to_handle(y);
    } catch (const std::exception& e) {
        throw_java(env, e.what());
        return 0;
    }
}

JNIEXPORT jlongArray JNICALL Java_dev_evonorm_layers_NativeKernels_evoNormB(JNIEnv* env, jclass, jlong x, jlong v,
        jlong gamma, jlong beta, jlong runningVar, jint variant, jboolean training, jdouble eps) {
    try {
        variable_list out = EvoNormBFunction::apply(tensor(x), optional_tensor(v), tensor(gamma), tensor(beta),
                                                    tensor(runningVar), static_cast<int64_t>(variant),
                                                    training == JNI_TRUE, static_cast<double>(eps));
        return evonorm_native::handle_pair(env, out[0], out[1]);
    } catch (const std::exception& e) {
        throw_java(env, e.what());
        return nullptr;
    }
}

}  // extern "C"
