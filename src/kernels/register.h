// Explicit registration entry points: each backend fills the kernel tables it implements.
// One function per family keeps the files of different op families independent.
#pragma once

namespace ember::ref {
void register_kernels();
void register_elementwise();
void register_reduce();
void register_shape();
void register_nn();
void register_linalg();
void register_norm();
void register_conv();
void register_pool();
void register_interpolate();
}  // namespace ember::ref

namespace ember::cpu {
void register_kernels();
void register_elementwise();
void register_activation();
void register_reduce();
void register_shape();
void register_nn();
void register_linalg();
void register_norm();
void register_conv();
void register_pool();
void register_interpolate();
}  // namespace ember::cpu
