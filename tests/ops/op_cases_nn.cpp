// Op table: normalisation layers and dropout (the conv/pool/interpolate cases are in
// op_cases_conv.cpp). PyTorch's side of each case is in scripts/gen_reference/ops_nn.py.
#include "ops/op_case.h"

namespace ember::test {

namespace {

using In = const std::vector<Tensor>&;

// Affine parameters around PyTorch's initial values (weight 1, bias 0).
InputSpec weight_spec(Shape shape) { return uniform(std::move(shape), 0.5, 1.5); }
InputSpec bias_spec(Shape shape) { return uniform(std::move(shape), -0.5, 0.5); }
// Running statistics are buffers: constants, the variance positive.
InputSpec running_mean_spec(Shape shape) { return constant_input(std::move(shape), -0.5, 0.5); }
InputSpec running_var_spec(Shape shape) { return constant_input(std::move(shape), 0.5, 1.5); }

void add_layer_norm_cases(std::vector<OpCase>& c) {
  c.push_back({.name = "layer_norm_last_dim", .op = "layer_norm",
               .inputs = {uniform({3, 7}), weight_spec({7}), bias_spec({7})},
               .fn = one([](In in) { return layer_norm(in[0], {7}, in[1], in[2]); })});
  c.push_back({.name = "layer_norm_two_dims", .op = "layer_norm",
               .inputs = {uniform({2, 3, 5}), weight_spec({3, 5}), bias_spec({3, 5})},
               .fn = one([](In in) { return layer_norm(in[0], {3, 5}, in[1], in[2]); })});
  c.push_back({.name = "layer_norm_4d_two_dims", .op = "layer_norm",
               .inputs = {uniform({2, 3, 2, 5}), weight_spec({2, 5}), bias_spec({2, 5})},
               .fn = one([](In in) { return layer_norm(in[0], {2, 5}, in[1], in[2]); })});
  c.push_back({.name = "layer_norm_no_affine", .op = "layer_norm", .inputs = {uniform({4, 5, 3})},
               .fn = one([](In in) { return layer_norm(in[0], {3}); })});
  c.push_back({.name = "layer_norm_weight_only", .op = "layer_norm",
               .inputs = {uniform({5, 6}), weight_spec({6})},
               .fn = one([](In in) { return layer_norm(in[0], {6}, in[1]); })});
  c.push_back({.name = "layer_norm_bias_only", .op = "layer_norm",
               .inputs = {uniform({3, 4}), bias_spec({4})},
               .fn = one([](In in) { return layer_norm(in[0], {4}, Tensor(), in[1]); })});
  // Rows longer than the fast kernel's 8-wide accumulators, with a tail.
  c.push_back({.name = "layer_norm_long_rows", .op = "layer_norm",
               .inputs = {uniform({3, 19}, -2, 3), weight_spec({19}), bias_spec({19})},
               .fn = one([](In in) { return layer_norm(in[0], {19}, in[1], in[2]); })});
  // A row of one element: it is its own mean, so the output is the bias and dx is 0.
  c.push_back({.name = "layer_norm_row_of_1", .op = "layer_norm",
               .inputs = {uniform({5, 1}), weight_spec({1}), bias_spec({1})},
               .fn = one([](In in) { return layer_norm(in[0], {1}, in[1], in[2]); })});
  c.push_back({.name = "layer_norm_empty", .op = "layer_norm",
               .inputs = {uniform({0, 4}), weight_spec({4}), bias_spec({4})},
               .fn = one([](In in) { return layer_norm(in[0], {4}, in[1], in[2]); })});
  c.push_back({.name = "layer_norm_1d_input_eps", .op = "layer_norm",
               .inputs = {uniform({6}), weight_spec({6}), bias_spec({6})},
               .fn = one([](In in) { return layer_norm(in[0], {6}, in[1], in[2], 1e-2); })});
}

void add_batch_norm_cases(std::vector<OpCase>& c) {
  // Training: the output and the running statistics (updated in place), cloned inside the
  // case so that every run starts from the same values. The statistics depend on x but
  // carry no gradient (PyTorch's buffers), so finite differences would disagree: the
  // gradient is checked by the *_grad cases instead.
  auto train = [](double momentum, double eps) {
    return [momentum, eps](In in) {
      Tensor rm = in[1].clone(), rv = in[2].clone();
      Tensor y = batch_norm(in[0], rm, rv, in[3], in[4],
                            {.training = true, .momentum = momentum, .eps = eps});
      return std::vector<Tensor>{y, rm, rv};
    };
  };
  auto train_inputs = [](Shape x_shape) {
    int64_t C = x_shape[1];
    return std::vector<InputSpec>{uniform(std::move(x_shape)), running_mean_spec({C}),
                                  running_var_spec({C}), weight_spec({C}), bias_spec({C})};
  };
  c.push_back({.name = "batch_norm_train_2d", .op = "batch_norm", .inputs = train_inputs({6, 3}),
               .fn = train(0.1, 1e-5), .gradcheck = false});
  c.push_back({.name = "batch_norm_train_3d", .op = "batch_norm",
               .inputs = train_inputs({4, 3, 5}), .fn = train(0.1, 1e-5), .gradcheck = false});
  c.push_back({.name = "batch_norm_train_4d_momentum", .op = "batch_norm",
               .inputs = train_inputs({2, 3, 3, 4}), .fn = train(0.3, 1e-3), .gradcheck = false});
  // Two values per channel: the smallest batch that training accepts.
  c.push_back({.name = "batch_norm_train_batch_of_2", .op = "batch_norm",
               .inputs = train_inputs({2, 5}), .fn = train(0.1, 1e-5), .gradcheck = false});
  c.push_back({.name = "batch_norm_train_grad_4d", .op = "batch_norm",
               .inputs = train_inputs({3, 2, 3, 3}),
               .fn = one([](In in) {
                 Tensor rm = in[1].clone(), rv = in[2].clone();
                 return batch_norm(in[0], rm, rv, in[3], in[4], {.training = true});
               })});
  // The fast kernels walk (N, C, S) by channel for S >= 8 and row by row below (with its
  // own loop for S == 1): each layout in training, with the running statistics as outputs
  // and with gradients.
  c.push_back({.name = "batch_norm_train_4d_long_rows", .op = "batch_norm",
               .inputs = train_inputs({3, 4, 5, 9}), .fn = train(0.1, 1e-5), .gradcheck = false});
  c.push_back({.name = "batch_norm_train_3d_one_channel", .op = "batch_norm",
               .inputs = train_inputs({5, 1, 7}), .fn = train(0.2, 1e-5), .gradcheck = false});
  auto train_grad = [](In in) {
    Tensor rm = in[1].clone(), rv = in[2].clone();
    return batch_norm(in[0], rm, rv, in[3], in[4], {.training = true});
  };
  c.push_back({.name = "batch_norm_train_grad_2d", .op = "batch_norm",
               .inputs = train_inputs({7, 3}), .fn = one(train_grad)});
  c.push_back({.name = "batch_norm_train_grad_3d_one_channel", .op = "batch_norm",
               .inputs = train_inputs({5, 1, 7}), .fn = one(train_grad)});
  // A batch of one is fine when there is more than one position per channel.
  c.push_back({.name = "batch_norm_train_grad_batch_of_1", .op = "batch_norm",
               .inputs = train_inputs({1, 3, 5, 7}), .fn = one(train_grad)});
  c.push_back({.name = "batch_norm_train_grad_weight_only", .op = "batch_norm",
               .inputs = {uniform({4, 3, 9}), running_mean_spec({3}), running_var_spec({3}),
                          weight_spec({3})},
               .fn = one([](In in) {
                 Tensor rm = in[1].clone(), rv = in[2].clone();
                 return batch_norm(in[0], rm, rv, in[3], Tensor(), {.training = true});
               })});
  c.push_back({.name = "batch_norm_train_grad_bias_only_no_stats", .op = "batch_norm",
               .inputs = {uniform({6, 2, 3}, -2, 3), bias_spec({2})},
               .fn = one([](In in) {
                 return batch_norm(in[0], Tensor(), Tensor(), Tensor(), in[1],
                                   {.training = true, .eps = 1e-3});
               })});
  // An empty batch: an empty output, zero parameter gradients, running statistics untouched.
  c.push_back({.name = "batch_norm_train_empty", .op = "batch_norm",
               .inputs = train_inputs({0, 3, 4}), .fn = train(0.1, 1e-5), .gradcheck = false});
  c.push_back({.name = "batch_norm_no_running_stats", .op = "batch_norm",
               .inputs = {uniform({5, 2, 3}), weight_spec({2}), bias_spec({2})},
               .fn = one([](In in) {
                 return batch_norm(in[0], Tensor(), Tensor(), in[1], in[2], {.training = false});
               })});
  c.push_back({.name = "batch_norm_eval_2d", .op = "batch_norm",
               .inputs = {uniform({4, 5}), running_mean_spec({5}), running_var_spec({5}),
                          weight_spec({5}), bias_spec({5})},
               .fn = one([](In in) { return batch_norm(in[0], in[1], in[2], in[3], in[4]); })});
  c.push_back({.name = "batch_norm_eval_4d_no_affine", .op = "batch_norm",
               .inputs = {uniform({2, 3, 2, 3}), running_mean_spec({3}), running_var_spec({3})},
               .fn = one([](In in) { return batch_norm(in[0], in[1], in[2]); })});
  c.push_back({.name = "batch_norm_eval_4d_long_rows", .op = "batch_norm",
               .inputs = {uniform({2, 3, 3, 5}), running_mean_spec({3}), running_var_spec({3}),
                          weight_spec({3}), bias_spec({3})},
               .fn = one([](In in) {
                 return batch_norm(in[0], in[1], in[2], in[3], in[4], {.eps = 1e-2});
               })});
  // One sample is fine in eval: the statistics come from the running estimates.
  c.push_back({.name = "batch_norm_eval_single_value", .op = "batch_norm",
               .inputs = {uniform({1, 4}), running_mean_spec({4}), running_var_spec({4}),
                          weight_spec({4}), bias_spec({4})},
               .fn = one([](In in) { return batch_norm(in[0], in[1], in[2], in[3], in[4]); })});
}

void add_group_norm_cases(std::vector<OpCase>& c) {
  for (int64_t groups : {1, 3, 6}) {
    c.push_back({.name = "group_norm_" + std::to_string(groups) + "_groups", .op = "group_norm",
                 .inputs = {uniform({2, 6, 5}), weight_spec({6}), bias_spec({6})},
                 .fn = one([groups](In in) { return group_norm(in[0], groups, in[1], in[2]); })});
  }
  c.push_back({.name = "group_norm_4d_no_affine", .op = "group_norm",
               .inputs = {uniform({2, 4, 3, 3})},
               .fn = one([](In in) { return group_norm(in[0], 2); })});
  c.push_back({.name = "group_norm_no_spatial_eps", .op = "group_norm",
               .inputs = {uniform({3, 4}), weight_spec({4}), bias_spec({4})},
               .fn = one([](In in) { return group_norm(in[0], 2, in[1], in[2], 1e-3); })});
  c.push_back({.name = "group_norm_empty_batch", .op = "group_norm",
               .inputs = {uniform({0, 4, 3}), weight_spec({4}), bias_spec({4})},
               .fn = one([](In in) { return group_norm(in[0], 2, in[1], in[2]); })});
}

void add_rms_norm_cases(std::vector<OpCase>& c) {
  c.push_back({.name = "rms_norm_last_dim", .op = "rms_norm",
               .inputs = {uniform({3, 7}), weight_spec({7})},
               .fn = one([](In in) { return rms_norm(in[0], {7}, in[1]); })});
  c.push_back({.name = "rms_norm_two_dims", .op = "rms_norm",
               .inputs = {uniform({2, 3, 5}), weight_spec({3, 5})},
               .fn = one([](In in) { return rms_norm(in[0], {3, 5}, in[1]); })});
  c.push_back({.name = "rms_norm_no_weight", .op = "rms_norm", .inputs = {uniform({4, 1, 5})},
               .fn = one([](In in) { return rms_norm(in[0], {5}); })});
  c.push_back({.name = "rms_norm_eps", .op = "rms_norm",
               .inputs = {uniform({5, 3}, -0.2, 0.2), weight_spec({3})},
               .fn = one([](In in) { return rms_norm(in[0], {3}, in[1], 1e-2); })});
}

void add_dropout_cases(std::vector<OpCase>& c) {
  // A local generator makes each run draw the same mask, so every check but the fixture
  // (PyTorch's masks differ from ember's) applies. The statistics are in test_dropout.cpp.
  c.push_back({.name = "dropout_train", .op = "dropout", .inputs = {uniform({7, 9})},
               .fn = one([](In in) {
                 Generator gen(7);
                 return dropout(in[0], {.p = 0.3, .generator = &gen});
               }),
               .fixture = false});
  c.push_back({.name = "dropout_train_3d_half", .op = "dropout", .inputs = {uniform({2, 3, 5})},
               .fn = one([](In in) {
                 Generator gen(11);
                 return dropout(in[0], {.p = 0.5, .generator = &gen});
               }),
               .fixture = false});
  c.push_back({.name = "dropout_train_empty", .op = "dropout", .inputs = {uniform({0, 3})},
               .fn = one([](In in) {
                 Generator gen(3);
                 return dropout(in[0], {.p = 0.2, .generator = &gen});
               }),
               .fixture = false});
  // The deterministic settings have fixtures. Identity results are doubled (as the view
  // cases) so that the output is not the input tensor itself.
  c.push_back({.name = "dropout_eval", .op = "dropout", .inputs = {uniform({3, 5})},
               .fn = one([](In in) { return dropout(in[0], {.p = 0.4, .training = false}) * 2; })});
  c.push_back({.name = "dropout_p0", .op = "dropout", .inputs = {uniform({4, 3})},
               .fn = one([](In in) { return dropout(in[0], {.p = 0.0}) * 2; })});
  c.push_back({.name = "dropout_p1", .op = "dropout", .inputs = {uniform({2, 5})},
               .fn = one([](In in) { return dropout(in[0], {.p = 1.0}); })});
}

}  // namespace

std::vector<OpCase> nn_cases() {
  std::vector<OpCase> c;
  add_layer_norm_cases(c);
  add_batch_norm_cases(c);
  add_group_norm_cases(c);
  add_rms_norm_cases(c);
  add_dropout_cases(c);
  return c;
}

}  // namespace ember::test
