// The fused graph executor, whole: one autograd function runs a layer graph (GraphBlock) forward and
// backward in one native call each — the stages over the full tensor (evonorm_graph.cpp) and,
// between them, the reduced part: aggregates from the stages' moments, running statistics, v0,
// v1, the zero node and the element-wise ops between such values.
//
// Every reduced value is held per row of the tensor (N·C numbers; a per-channel value repeats over
// the batch, a constant over everything), so one representation serves batch, instance and group
// statistics and the stages read a row's value directly. At a few thousand numbers per value this
// is a few microseconds of work, against the dozens of separate small tensor ops (and their
// autograd nodes) the composed reduced part cost per layer.
//
// The plan (GraphPlan.java) lists the reduced steps in graph order, each tagged with the stage it
// must run before, and the stages' programs. Forward: for each stage, its steps, then the stage.
// Backward: for each stage from the last, the stage's backward (one pass over the tensor, which
// yields the gradients of its reduced inputs and of the moments it emitted, and adds to x's), then
// its steps in reverse, which yield the gradients of earlier stages' moments.
#include <jni.h>

#include <ATen/ATen.h>
#include <torch/csrc/autograd/custom_function.h>

#include "graph_stages.h"
#include "native_common.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace evonorm_graph;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Step kinds and reductions; GraphPlan.java emits the same numbers.
enum StepKind : int64_t { ZERO_NODE = 0, V0_NODE = 1, V1_NODE = 2, OP_NODE = 3, AGGREGATE = 4, RUNNING = 5 };
enum ReductionKind : int64_t { BATCH = 0, INSTANCE = 1, GROUP = 2 };

// One reduced node. OP_NODE: op, a, b (b = −1 for a unary op). AGGREGATE: op = reduction·4 +
// 2·square + variance, a = input node, b = 1 if the input is full (its moments come from a stage),
// running = the running statistic it updates in training (−1: none); `square`: a mean of a², read
// as a's second moment (a is then the node under the square). RUNNING (inference): op = variance,
// running = the statistic read.
struct Step {
    int64_t node, kind, op, a, b, running, before;
};

struct Plan {
    int64_t nodes = 0;
    std::vector<Step> steps;
    std::vector<StageProgram> stages;
    std::vector<std::vector<int64_t>> inputs;          // per stage, the node feeding each reduced slot
    std::vector<std::vector<int64_t>> moment_nodes;    // per stage, the node of each emitted moment

    // Stage s's reduced inputs (K, rows) from the reduced nodes' values (nodes, rows).
    void gather_inputs(size_t s, const float* values, int64_t rows, std::vector<float>& out) const {
        out.resize(inputs[s].size() * rows);
        for (size_t k = 0; k < inputs[s].size(); k++) {
            std::copy(values + inputs[s][k] * rows, values + (inputs[s][k] + 1) * rows, out.data() + k * rows);
        }
    }
};

// [nodes, steps, stages, steps × 7, then per stage: K, K nodes, I, 3·I code, M, M × (node, slot), output]
Plan decode(const std::vector<int64_t>& e) {
    size_t at = 0;
    auto next = [&]() {
        if (at >= e.size()) throw std::invalid_argument("graph plan: truncated");
        return e[at++];
    };
    Plan p;
    p.nodes = next();
    const int64_t steps = next(), stages = next();
    for (int64_t i = 0; i < steps; i++) {
        Step s{};
        s.node = next(); s.kind = next(); s.op = next(); s.a = next(); s.b = next(); s.running = next(); s.before = next();
        if (s.node < 0 || s.node >= p.nodes || s.before < 0 || s.before >= stages) throw std::invalid_argument("graph plan: bad step");
        p.steps.push_back(s);
    }
    for (int64_t s = 0; s < stages; s++) {
        StageProgram prog;
        std::vector<int64_t> in(next());
        for (auto& v : in) v = next();
        prog.reduced_count = static_cast<int64_t>(in.size());
        prog.code.resize(3 * next());
        for (auto& v : prog.code) v = next();
        const int64_t m = next();
        std::vector<int64_t> nodes;
        for (int64_t i = 0; i < m; i++) {
            nodes.push_back(next());
            prog.moments.push_back(next());
        }
        prog.output = next();
        for (int64_t i = 0; i < prog.size(); i++) {
            for (int64_t k = 1; k <= 2; k++) {
                const int64_t slot = prog.code[3 * i + k];
                if (slot < 0 || slot >= 1 + prog.reduced_count + i) throw std::invalid_argument("graph plan: bad slot");
            }
        }
        p.stages.push_back(prog);
        p.inputs.push_back(in);
        p.moment_nodes.push_back(nodes);
    }
    if (stages == 0 || p.stages.back().output < 0) throw std::invalid_argument("graph plan: no output stage");
    if (at != e.size()) throw std::invalid_argument("graph plan: trailing values");
    return p;
}

struct Settings {
    double eps, decay, bessel;
    int64_t groups;
    bool training;
};

Settings settings_of(const std::vector<double>& s) {
    return {s.at(0), s.at(1), s.at(2), static_cast<int64_t>(s.at(3)), s.at(4) != 0.0};
}

// The rows one aggregate unit covers: a channel's N rows (batch), one row (instance), or a
// sample's channels of one group (group). Calls f(unit, row) for every row.
struct Units {
    int64_t kind, n, c, groups;

    int64_t per_unit() const { return kind == BATCH ? n : kind == INSTANCE ? 1 : c / groups; }
    int64_t count() const { return kind == BATCH ? c : kind == INSTANCE ? n * c : n * groups; }
    int64_t unit_of(int64_t row) const {
        return kind == BATCH ? row % c : kind == INSTANCE ? row : (row / c) * groups + (row % c) / (c / groups);
    }
};

// relu(E[v²] − E[v]²) as GraphBlock clamps it; NaN passes.
inline double clamp_variance(double d) { return d > 0.0 ? d : (d != d ? d : 0.0); }

// The aggregate's unit means of v and v² (the latter only for a variance).
void unit_moments(const Units& u, const double* m1, const double* m2, const float* value, bool variance,
                  std::vector<double>& M1, std::vector<double>& M2) {
    M1.assign(u.count(), 0.0);
    M2.assign(u.count(), 0.0);
    const int64_t rows = u.n * u.c;
    for (int64_t r = 0; r < rows; r++) {
        const int64_t k = u.unit_of(r);
        const double v1 = value != nullptr ? value[r] : m1[r];
        M1[k] += v1;
        if (variance) M2[k] += value != nullptr ? static_cast<double>(value[r]) * value[r] : m2[r];
    }
    const double per = static_cast<double>(u.per_unit());
    for (int64_t k = 0; k < u.count(); k++) {
        M1[k] /= per;
        M2[k] /= per;
    }
}

struct GraphFunction : public torch::autograd::Function<GraphFunction> {
    static at::Tensor forward(AutogradContext* ctx, const at::Tensor& input, const at::Tensor& v0_in,
                              const at::Tensor& v1_in, const at::Tensor& gamma_in, const at::Tensor& beta_in,
                              std::vector<at::Tensor> running, std::vector<int64_t> encoded,
                              std::vector<double> settings_in) {
        TORCH_CHECK(input.dim() == 4 && input.scalar_type() == at::kFloat && input.device().is_cpu(),
                    "the graph executor needs a float32 NCHW CPU tensor");
        const Plan plan = decode(encoded);
        const Settings settings = settings_of(settings_in);
        const at::Tensor x = input.contiguous();
        const Rows shape{x.size(0), x.size(1), x.size(2) * x.size(3)};
        const int64_t rows = shape.rows(), c = shape.c;
        const at::Tensor v0 = v0_in.detach().to(at::kFloat).contiguous().reshape({-1});
        const at::Tensor v1 = v1_in.detach().to(at::kFloat).contiguous().reshape({-1});
        const at::Tensor g = gamma_in.detach().to(at::kFloat).contiguous().reshape({-1});
        const at::Tensor b = beta_in.detach().to(at::kFloat).contiguous().reshape({-1});
        TORCH_CHECK(g.numel() == c && b.numel() == c, "γ and β need one value per channel");
        for (const at::Tensor& r : running) {
            TORCH_CHECK(r.scalar_type() == at::kFloat && r.is_contiguous() && r.numel() == c,
                        "running statistics must be contiguous float32 with one value per channel");
        }
        at::Tensor values = at::zeros({plan.nodes, rows}, x.options());
        at::Tensor moments = at::zeros({plan.nodes, 2, rows}, x.options().dtype(at::kDouble));
        at::Tensor y = at::empty_like(x);
        float* pv = values.data_ptr<float>();
        double* pm = moments.data_ptr<double>();
        std::vector<float> reduced;
        std::vector<double> emitted;
        for (size_t s = 0; s < plan.stages.size(); s++) {
            for (const Step& step : plan.steps) {
                if (step.before == static_cast<int64_t>(s)) {
                    run_step(step, shape, settings, v0, v1, running, pv, pm);
                }
            }
            const StageProgram& prog = plan.stages[s];
            plan.gather_inputs(s, pv, rows, reduced);
            emitted.assign(2 * prog.moments.size() * rows, 0.0);
            const bool last = s + 1 == plan.stages.size();
            stage_forward(prog, shape, x.data_ptr<float>(), reduced.data(), g.data_ptr<float>(), b.data_ptr<float>(),
                          last ? y.data_ptr<float>() : nullptr, emitted.data());
            for (size_t m = 0; m < prog.moments.size(); m++) {
                std::copy(emitted.begin() + 2 * m * rows, emitted.begin() + 2 * (m + 1) * rows,
                          pm + plan.moment_nodes[s][m] * 2 * rows);
            }
        }
        ctx->save_for_backward({x, values, moments, g});
        ctx->saved_data["plan"] = encoded;
        ctx->saved_data["settings"] = settings_in;
        ctx->saved_data["v0_shape"] = v0_in.sizes().vec();
        ctx->saved_data["v1_shape"] = v1_in.sizes().vec();
        ctx->saved_data["gamma_shape"] = gamma_in.sizes().vec();
        ctx->saved_data["beta_shape"] = beta_in.sizes().vec();
        return y;
    }

    static void run_step(const Step& step, const Rows& shape, const Settings& settings, const at::Tensor& v0,
                         const at::Tensor& v1, const std::vector<at::Tensor>& running, float* pv, const double* pm) {
        const int64_t rows = shape.rows(), c = shape.c;
        float* out = pv + step.node * rows;
        switch (step.kind) {
            case ZERO_NODE:
                std::fill(out, out + rows, 0.0f);
                break;
            case V0_NODE:
            case V1_NODE: {
                const at::Tensor& v = step.kind == V0_NODE ? v0 : v1;
                TORCH_CHECK(v.numel() == c, "v0/v1 need one value per channel");
                const float* p = v.data_ptr<float>();
                for (int64_t r = 0; r < rows; r++) out[r] = p[r % c];
                break;
            }
            case OP_NODE:
                if (is_unary(static_cast<int>(step.op))) {
                    run_unary(static_cast<int>(step.op), pv + step.a * rows, out, rows);
                } else {
                    run_binary(static_cast<int>(step.op), pv + step.a * rows, pv + step.b * rows, out, rows);
                }
                break;
            case RUNNING: {
                const float* p = running.at(step.running).data_ptr<float>();
                const float eps = step.op != 0 ? static_cast<float>(settings.eps) : 0.0f;
                for (int64_t r = 0; r < rows; r++) out[r] = p[r % c] + eps;
                break;
            }
            default: {  // AGGREGATE
                const bool variance = (step.op & 1) != 0;
                const bool square = (step.op & 2) != 0;
                const Units u{step.op >> 2, shape.n, c, settings.groups};
                std::vector<double> M1, M2;
                const bool full = step.b != 0;
                // A mean of a² is a's second moment.
                const double* m1 = full ? pm + (step.a * 2 + (square ? 1 : 0)) * rows : nullptr;
                unit_moments(u, m1, full ? pm + (step.a * 2 + 1) * rows : nullptr,
                             full ? nullptr : pv + step.a * rows, variance, M1, M2);
                std::vector<double> stat(u.count());
                for (int64_t k = 0; k < u.count(); k++) stat[k] = variance ? clamp_variance(M2[k] - M1[k] * M1[k]) : M1[k];
                if (settings.training && step.running >= 0) {
                    // The official EMA, in place on the statistic (not part of the autograd graph).
                    float* r = running.at(step.running).data_ptr<float>();
                    const double factor = variance ? settings.bessel : 1.0;
                    for (int64_t ch = 0; ch < c; ch++) {
                        r[ch] = static_cast<float>(settings.decay * r[ch] + (1.0 - settings.decay) * factor * stat[ch]);
                    }
                }
                const double eps = variance ? settings.eps : 0.0;
                for (int64_t r = 0; r < rows; r++) out[r] = static_cast<float>(stat[u.unit_of(r)] + eps);
                break;
            }
        }
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads) {
        const auto saved = ctx->get_saved_variables();
        const at::Tensor& x = saved[0];
        const at::Tensor& values = saved[1];
        const at::Tensor& moments = saved[2];
        const at::Tensor& g = saved[3];
        const Plan plan = decode(ctx->saved_data["plan"].toIntVector());
        const Settings settings = settings_of(ctx->saved_data["settings"].toDoubleVector());
        const Rows shape{x.size(0), x.size(1), x.size(2) * x.size(3)};
        const int64_t rows = shape.rows(), c = shape.c;
        variable_list none(8);
        if (!grads[0].defined()) return none;
        const at::Tensor gy = grads[0].contiguous();
        at::Tensor gx = at::empty_like(x);
        const float* pv = values.data_ptr<float>();
        const double* pm = moments.data_ptr<double>();
        std::vector<float> g_values(plan.nodes * rows, 0.0f);
        std::vector<double> g_moments(plan.nodes * 2 * rows, 0.0);
        std::vector<double> g_gamma_rows(rows, 0.0), g_beta_rows(rows, 0.0), g_v0(c, 0.0), g_v1(c, 0.0);
        std::vector<float> reduced;
        std::vector<double> g_reduced, g_emitted;
        for (int64_t s = static_cast<int64_t>(plan.stages.size()) - 1; s >= 0; s--) {
            const StageProgram& prog = plan.stages[s];
            const bool last = s + 1 == static_cast<int64_t>(plan.stages.size());
            plan.gather_inputs(s, pv, rows, reduced);
            // The moments' gradients are complete: every step that reads them ran after this stage.
            g_emitted.assign(2 * prog.moments.size() * rows, 0.0);
            for (size_t m = 0; m < prog.moments.size(); m++) {
                const double* src = g_moments.data() + plan.moment_nodes[s][m] * 2 * rows;
                std::copy(src, src + 2 * rows, g_emitted.begin() + 2 * m * rows);
            }
            g_reduced.assign(prog.reduced_count * rows, 0.0);
            stage_backward(prog, shape, x.data_ptr<float>(), reduced.data(), g.data_ptr<float>(),
                           last ? gy.data_ptr<float>() : nullptr, prog.moments.empty() ? nullptr : g_emitted.data(),
                           gx.data_ptr<float>(), !last, g_reduced.data(), g_gamma_rows.data(), g_beta_rows.data());
            for (int64_t k = 0; k < prog.reduced_count; k++) {
                float* dst = g_values.data() + plan.inputs[s][k] * rows;
                for (int64_t r = 0; r < rows; r++) dst[r] += static_cast<float>(g_reduced[k * rows + r]);
            }
            for (auto it = plan.steps.rbegin(); it != plan.steps.rend(); ++it) {
                if (it->before == s) {
                    step_backward(*it, shape, settings, pv, pm, g_values.data(), g_moments.data(), g_v0, g_v1);
                }
            }
        }
        auto per_channel = [&](const std::vector<double>& per_row) {
            at::Tensor t = at::empty({c}, x.options());
            float* p = t.data_ptr<float>();
            for (int64_t ch = 0; ch < c; ch++) {
                double sum = 0.0;
                for (int64_t i = 0; i < shape.n; i++) sum += per_row[i * c + ch];
                p[ch] = static_cast<float>(sum);
            }
            return t;
        };
        auto channel_vector = [&](const std::vector<double>& v, const char* shape_key) {
            at::Tensor t = at::empty({c}, x.options());
            float* p = t.data_ptr<float>();
            for (int64_t ch = 0; ch < c; ch++) p[ch] = static_cast<float>(v[ch]);
            return t.view(ctx->saved_data[shape_key].toIntVector());
        };
        const bool has_v0 = c10::multiply_integers(ctx->saved_data["v0_shape"].toIntVector()) == c;
        const bool has_v1 = c10::multiply_integers(ctx->saved_data["v1_shape"].toIntVector()) == c;
        return {gx,
                has_v0 ? channel_vector(g_v0, "v0_shape") : at::Tensor(),
                has_v1 ? channel_vector(g_v1, "v1_shape") : at::Tensor(),
                per_channel(g_gamma_rows).view(ctx->saved_data["gamma_shape"].toIntVector()),
                per_channel(g_beta_rows).view(ctx->saved_data["beta_shape"].toIntVector()),
                at::Tensor(), at::Tensor(), at::Tensor()};
    }

    static void step_backward(const Step& step, const Rows& shape, const Settings& settings, const float* pv,
                              const double* pm, float* gv, double* gm, std::vector<double>& g_v0,
                              std::vector<double>& g_v1) {
        const int64_t rows = shape.rows(), c = shape.c;
        const float* grad = gv + step.node * rows;
        switch (step.kind) {
            case V0_NODE:
            case V1_NODE: {
                std::vector<double>& dst = step.kind == V0_NODE ? g_v0 : g_v1;
                for (int64_t r = 0; r < rows; r++) dst[r % c] += grad[r];
                break;
            }
            case OP_NODE: {
                const int op = static_cast<int>(step.op);
                const float* a = pv + step.a * rows;
                if (is_unary(op)) {
                    back_unary(op, a, pv + step.node * rows, grad, gv + step.a * rows, false, rows);
                } else if (step.a != step.b) {
                    back_binary(op, a, pv + step.b * rows, grad, gv + step.a * rows, false, gv + step.b * rows, false, rows);
                } else {
                    // The same value on both sides: its two gradients go through separate buffers.
                    std::vector<float> ga(rows), gb(rows);
                    back_binary(op, a, a, grad, ga.data(), true, gb.data(), true, rows);
                    float* dst = gv + step.a * rows;
                    for (int64_t r = 0; r < rows; r++) dst[r] += ga[r] + gb[r];
                }
                break;
            }
            case AGGREGATE: {
                const bool variance = (step.op & 1) != 0;
                const bool square = (step.op & 2) != 0;
                const Units u{step.op >> 2, shape.n, c, settings.groups};
                const bool full = step.b != 0;
                const int64_t mean_row = step.a * 2 + (square ? 1 : 0);  // where the mean's gradient goes
                const double* m1 = full ? pm + mean_row * rows : nullptr;
                const double* m2 = full ? pm + (step.a * 2 + 1) * rows : nullptr;
                const float* value = full ? nullptr : pv + step.a * rows;
                std::vector<double> M1, M2, G(u.count(), 0.0);
                unit_moments(u, m1, m2, value, variance, M1, M2);
                for (int64_t r = 0; r < rows; r++) G[u.unit_of(r)] += grad[r];
                const double per = static_cast<double>(u.per_unit());
                for (int64_t r = 0; r < rows; r++) {
                    const int64_t k = u.unit_of(r);
                    double g1 = G[k], g2 = 0.0;
                    if (variance) {
                        const bool passes = !(M2[k] - M1[k] * M1[k] <= 0.0);  // relu's gradient; NaN passes
                        g2 = passes ? G[k] : 0.0;
                        g1 = passes ? -2.0 * M1[k] * G[k] : 0.0;
                    }
                    g1 /= per;
                    g2 /= per;
                    if (full) {
                        gm[mean_row * rows + r] += g1;
                        gm[(step.a * 2 + 1) * rows + r] += g2;
                    } else {
                        gv[step.a * rows + r] += static_cast<float>(g1 + 2.0 * value[r] * g2);
                    }
                }
                break;
            }
            default:  // ZERO_NODE, RUNNING: constants
                break;
        }
    }
};

std::vector<int64_t> to_vector(JNIEnv* env, jintArray array) {
    const jsize length = env->GetArrayLength(array);
    std::vector<jint> raw(length);
    env->GetIntArrayRegion(array, 0, length, raw.data());
    return std::vector<int64_t>(raw.begin(), raw.end());
}

}  // namespace

extern "C" JNIEXPORT jlong JNICALL Java_dev_evonorm_layers_NativeKernels_graph(JNIEnv* env, jclass, jlong x,
        jlong v0, jlong v1, jlong gamma, jlong beta, jlongArray running, jintArray plan, jdoubleArray settings) {
    try {
        using evonorm_native::optional_tensor;
        using evonorm_native::tensor;
        std::vector<at::Tensor> stats;
        const jsize count = env->GetArrayLength(running);
        std::vector<jlong> handles(count);
        env->GetLongArrayRegion(running, 0, count, handles.data());
        for (jlong h : handles) stats.push_back(tensor(h));
        const jsize settings_count = env->GetArrayLength(settings);
        std::vector<double> s(settings_count);
        env->GetDoubleArrayRegion(settings, 0, settings_count, s.data());
        at::Tensor y = GraphFunction::apply(tensor(x), optional_tensor(v0), optional_tensor(v1), tensor(gamma),
                                            tensor(beta), stats, to_vector(env, plan), s);
        return evonorm_native::to_handle(y);
    } catch (const std::exception& e) {
        evonorm_native::throw_java(env, e.what());
        return 0;
    }
}
