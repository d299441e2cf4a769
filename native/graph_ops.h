// The graph executor's instruction set and its element-wise kernels (graph_ops.cpp): each a
// vectorized loop over n values. "(+)=" below: with the `set` flag the gradient buffer is
// written (its first gradient), otherwise added to — the stages never clear a buffer.
#pragma once

#include <cstdint>

namespace evonorm_graph {

// The instruction set; GraphPlan.java emits the same numbers.
enum Op : int {
    NEG = 0, SIGMOID = 1, TANH = 2, EXP = 3, SIGNED_LOG = 4, ABS = 5, SQUARE = 6, SQRT = 7,
    SIGNED_SQRT = 8, ADD = 9, MUL = 10, DIV = 11, MAX = 12,
    // Only with a reduced second operand: max(a, p) as GraphBlock computes it, p + relu(a − p).
    MAX_REDUCED = 13,
    // Internal: s / a with s reduced (a DIV whose reduced operand is the first).
    RDIV = 14
};

inline bool is_unary(int op) { return op <= SIGNED_SQRT; }

// Plain ops on arrays: out = op(a), op(a, b); their backward from the operands and the value o.
void run_unary(int op, const float* a, float* out, int64_t n);
void run_binary(int op, const float* a, const float* b, float* out, int64_t n);
void back_unary(int op, const float* a, const float* o, const float* g, float* ga, bool set_a, int64_t n);
// ga and gb must not overlap (one value on both sides goes through a second buffer).
void back_binary(int op, const float* a, const float* b, const float* g, float* ga, bool set_a, float* gb,
                 bool set_b, int64_t n);

// An op of a full operand a and a reduced one s (one number over the n values): ADD, MUL, DIV
// (as a·(1/s)), RDIV (s/a), MAX_REDUCED. The backward returns Σ g·∂op/∂s.
void run_scalar(int op, const float* a, float s, float* out, int64_t n);
float back_scalar(int op, const float* a, float s, const float* g, float* ga, bool set_a, int64_t n);

// a·m + c; a unary op of it; max(a·m + c, p) as p + relu(a·m + c − p). Backward: ga (+)= g·∂/∂a,
// and the sums Σ g_u·a and Σ g_u (g_u the gradient of a·m + c) are added to g_m and g_c (and the
// part of g that goes to p, to g_p).
void run_affine(const float* a, float m, float c, float* out, int64_t n);
void back_affine(const float* a, float m, const float* g, float* ga, bool set_a, int64_t n, float& g_m, float& g_c);
void run_unary_affine(int op, const float* a, float m, float c, float* out, int64_t n);
void back_unary_affine(int op, const float* a, float m, float c, const float* o, const float* g, float* ga,
                       bool set_a, int64_t n, float& g_m, float& g_c);
void run_affine_max(const float* a, float m, float c, float p, float* out, int64_t n);
void back_affine_max(const float* a, float m, float c, float p, const float* g, float* ga, bool set_a, int64_t n,
                     float& g_m, float& g_c, float& g_p);

// Around the program: Σv and Σv² added to s1, s2; the output dst = o·g + b and its backward
// (g_out (+)= gy·g, Σ gy·o and Σ gy added to sg, sb); the output as a quotient, dst = a/b·g + beta,
// and its backward (one division per value); the moments' backward, g_v (+)= g_mean + g_square·v;
// dst += src.
void add_sums(const float* v, int64_t n, double& s1, double& s2);
void scale_shift(const float* o, float* dst, int64_t n, float g, float b);
void scale_shift_backward(const float* gy, const float* o, float* g_out, bool set, int64_t n, float g, double& sg,
                          double& sb);
void quotient_out(const float* a, const float* b, float* dst, int64_t n, float g, float beta);
void quotient_out_backward(const float* gy, const float* a, const float* b, float* ga, bool set_a, float* gb,
                           bool set_b, int64_t n, float g, double& sg, double& sb);
void moments_backward(const float* v, float* g_v, bool set, int64_t n, float g_mean, float g_square);
void add_into(float* dst, const float* src, int64_t n);

}  // namespace evonorm_graph
