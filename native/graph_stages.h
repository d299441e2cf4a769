// The fused graph executor's two halves share this interface: evonorm_graph.cpp runs the
// element-wise part of a graph over the full tensor (stages), evonorm_graph_function.cpp runs the
// reduced part (statistics, parameters, ops between them) between stages and ties both into one
// autograd function.
#pragma once

#include "graph_ops.h"

#include <cstdint>
#include <vector>

namespace evonorm_graph {

// A stage: a program over one row of the tensor. Slot 0 is x, slots 1..K the reduced inputs (one
// number per row), then one slot per instruction. It emits the per-row means of v and v² of the
// `moments` slots and, when `output` ≥ 0, that slot times γ plus β as the layer's output.
struct StageProgram {
    int64_t reduced_count = 0;      // K
    std::vector<int64_t> code;      // (op, a, b) per instruction; instruction i writes slot K+1+i
    std::vector<int64_t> moments;   // slots whose moments are emitted
    int64_t output = -1;

    int64_t size() const { return static_cast<int64_t>(code.size() / 3); }
    int64_t slots() const { return 1 + reduced_count + size(); }
};

// Shape of the tensor a stage runs over: rows = N·C rows of hw values each, row r in channel r % C.
struct Rows {
    int64_t n, c, hw;
    int64_t rows() const { return n * c; }
};

// Forward: reduced is (K, rows); moments receives (M, 2, rows) means of v and v²; y (may be null
// when output < 0) the output.
void stage_forward(const StageProgram& p, const Rows& shape, const float* x, const float* reduced,
                   const float* gamma, const float* beta, float* y, double* moments);

// Backward: gy is the output's gradient (null if none or output < 0), gmoments (M, 2, rows) the
// gradients of the emitted moments (null if none). Writes (add_to_gx false) or adds (true) x's
// gradient into gx, adds the reduced inputs' gradients into g_reduced (K, rows), and γ/β's per
// row into g_gamma_rows / g_beta_rows (when gy is given).
void stage_backward(const StageProgram& p, const Rows& shape, const float* x, const float* reduced,
                    const float* gamma, const float* gy, const double* gmoments, float* gx, bool add_to_gx,
                    double* g_reduced, double* g_gamma_rows, double* g_beta_rows);

}  // namespace evonorm_graph
