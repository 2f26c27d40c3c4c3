// Elementwise math (unary and binary, by op code), activations, softmax, matrix products, einsum.
#include "common.h"

#include <ATen/CPUFunctions.h>
#include <ATen/EmptyTensor.h>
#include <ATen/cpu/vec/functional.h>
#include <ATen/cpu/vec/vec.h>

using srn::scalar_of;
using srn::tensor_of;

namespace {

at::Tensor unary(const at::Tensor& x, int32_t op) {
  switch (op) {
    case 0: return at::neg(x);
    case 1: return at::exp(x);
    case 2: return at::log(x);
    case 3: return at::sqrt(x);
    case 4: return at::abs(x);
    case 5: return at::sigmoid(x);
    case 6: return at::tanh(x);
    case 7: return at::relu(x);
    case 8: return at::log_sigmoid(x);
    case 9: return at::sign(x);
    case 10: return at::floor(x);
    case 11: return at::ceil(x);
    case 12: return at::round(x);
    case 13: return at::reciprocal(x);
    case 14: return at::rsqrt(x);
    case 15: return at::log1p(x);
    case 16: return at::expm1(x);
    case 17: return at::sin(x);
    case 18: return at::cos(x);
    case 19: return at::logical_not(x);
    case 20: return at::isnan(x);
    case 21: return at::square(x);
    case 22: return at::erf(x);
    case 23: return at::trunc(x);
    case 24: return at::isfinite(x);
    case 25: return at::silu(x);
    case 26: return at::gelu(x);
    case 27: return at::log2(x);
    default: throw std::invalid_argument("invalid unary op code " + std::to_string(op));
  }
}

void unary_(at::Tensor& x, int32_t op) {
  switch (op) {
    case 0: x.neg_(); return;
    case 1: x.exp_(); return;
    case 2: x.log_(); return;
    case 3: x.sqrt_(); return;
    case 4: x.abs_(); return;
    case 5: x.sigmoid_(); return;
    case 6: x.tanh_(); return;
    case 7: x.relu_(); return;
    case 9: x.sign_(); return;
    case 10: x.floor_(); return;
    case 11: x.ceil_(); return;
    case 12: x.round_(); return;
    case 13: x.reciprocal_(); return;
    case 14: x.rsqrt_(); return;
    case 21: x.square_(); return;
    default: throw std::invalid_argument("unary op code " + std::to_string(op) + " has no in-place form");
  }
}

// Plain CPU tensors that need no autograd can skip the dispatcher: at::cpu::add and friends are
// ATen's own structured CPU kernels (same type promotion, same kernel, same result) without the
// autograd and dispatch layers, which are most of the cost of an op on a few elements.
bool direct_cpu(const at::Tensor& t) {
  return t.is_cpu() && t.layout() == at::kStrided && !t.is_quantized() && !t.has_names() && !t.is_conj() &&
         !t.is_neg() && !t._is_zerotensor();
}

bool direct_cpu(const at::Tensor& a, const at::Tensor& b) {
  return direct_cpu(a) && direct_cpu(b) && !(at::GradMode::is_enabled() && (a.requires_grad() || b.requires_grad()));
}

// Small elementwise arithmetic: ATen spends ~0.4 us setting up TensorIterator and dispatching an op
// that computes 16 floats in nanoseconds. For contiguous, same-shape, same-dtype float32/float64 CPU
// tensors of at most kSmallElements elements that need no autograd, allocate with ATen's CPU allocator
// and run ATen's vectorized elementwise primitive. IEEE add, sub, mul and div are exact per element, so
// the result is bitwise the one ATen's kernel gives (Srn.Tests/Torch/FastPathTests.cs checks it).
// This is the one place the shim computes rather than calls an ATen op; see Native/README.md.
constexpr int64_t kSmallElements = 4096;

bool small_same_shape(const at::Tensor& a, const at::Tensor& b) {
  const auto type = a.scalar_type();
  return (type == at::kFloat || type == at::kDouble) && b.scalar_type() == type && a.numel() <= kSmallElements &&
         a.sizes().equals(b.sizes()) && a.is_contiguous() && b.is_contiguous() &&
         !a.unsafeGetTensorImpl()->is_wrapped_number() && !b.unsafeGetTensorImpl()->is_wrapped_number();
}

template <typename T>
at::Tensor small_binary(const at::Tensor& a, const at::Tensor& b, int32_t op) {
  using V = at::vec::Vectorized<T>;
  auto out = at::detail::empty_cpu(a.sizes(), a.scalar_type(), false);
  T* o = out.template data_ptr<T>();
  const T* x = a.template data_ptr<T>();
  const T* y = b.template data_ptr<T>();
  const int64_t n = a.numel();
  switch (op) {
    case 0: at::vec::map2([](V p, V q) { return p + q; }, o, x, y, n); break;
    case 1: at::vec::map2([](V p, V q) { return p - q; }, o, x, y, n); break;
    case 2: at::vec::map2([](V p, V q) { return p * q; }, o, x, y, n); break;
    default: at::vec::map2([](V p, V q) { return p / q; }, o, x, y, n); break;
  }
  return out;
}

at::Tensor binary(const at::Tensor& a, const at::Tensor& b, int32_t op) {
  if (op <= 3 && direct_cpu(a, b)) {
    if (small_same_shape(a, b)) {
      return a.scalar_type() == at::kFloat ? small_binary<float>(a, b, op) : small_binary<double>(a, b, op);
    }
    switch (op) {
      case 0: return at::cpu::add(a, b);
      case 1: return at::cpu::sub(a, b);
      case 2: return at::cpu::mul(a, b);
      default: return at::cpu::div(a, b);
    }
  }
  switch (op) {
    case 0: return at::add(a, b);
    case 1: return at::sub(a, b);
    case 2: return at::mul(a, b);
    case 3: return at::div(a, b);
    case 4: return at::pow(a, b);
    case 5: return at::eq(a, b);
    case 6: return at::ne(a, b);
    case 7: return at::lt(a, b);
    case 8: return at::le(a, b);
    case 9: return at::gt(a, b);
    case 10: return at::ge(a, b);
    case 11: return at::maximum(a, b);
    case 12: return at::minimum(a, b);
    case 13: return at::remainder(a, b);
    case 14: return at::logical_and(a, b);
    case 15: return at::logical_or(a, b);
    case 16: return at::logical_xor(a, b);
    case 17: return at::floor_divide(a, b);
    case 18: return at::atan2(a, b);
    default: throw std::invalid_argument("invalid binary op code " + std::to_string(op));
  }
}

// A Python number on the left: PyTorch wraps it as a 0-dim "wrapped number" tensor so that type
// promotion treats it like a scalar (int tensor - 1.5 gives float, 2 - int tensor stays int).
at::Tensor wrapped(const at::Scalar& s, const at::Tensor& like) {
  auto t = at::scalar_to_tensor(s, like.device());
  t.unsafeGetTensorImpl()->set_wrapped_number(true);
  return t;
}

at::Tensor binary_scalar(const at::Tensor& a, const at::Scalar& s, int32_t op, bool reversed) {
  if (reversed) {
    if (op == 4) return at::pow(s, a);
    return binary(wrapped(s, a), a, op);
  }
  switch (op) {
    case 0: return at::add(a, s);
    case 1: return at::sub(a, s);
    case 2: return at::mul(a, s);
    case 3: return at::div(a, s);
    case 4: return at::pow(a, s);
    case 5: return at::eq(a, s);
    case 6: return at::ne(a, s);
    case 7: return at::lt(a, s);
    case 8: return at::le(a, s);
    case 9: return at::gt(a, s);
    case 10: return at::ge(a, s);
    case 11: return at::clamp_min(a, s);
    case 12: return at::clamp_max(a, s);
    case 13: return at::remainder(a, s);
    default: return binary(a, wrapped(s, a), op);
  }
}

}  // namespace

extern "C" {

srn_tensor srn_unary(srn_tensor t, int32_t op) { SRN_TENSOR(return unary(tensor_of(t), op);) }

int32_t srn_unary_(srn_tensor t, int32_t op) { SRN_STATUS(unary_(srn::mutable_tensor_of(t), op);) }

srn_tensor srn_binary(srn_tensor a, srn_tensor b, int32_t op) {
  SRN_TENSOR(return binary(tensor_of(a), tensor_of(b), op);)
}

srn_tensor srn_binary_scalar(srn_tensor a, srn_scalar s, int32_t op, int32_t reversed) {
  SRN_TENSOR(return binary_scalar(tensor_of(a), scalar_of(s), op, reversed != 0);)
}

srn_tensor srn_add_alpha(srn_tensor a, srn_tensor b, srn_scalar alpha) {
  SRN_TENSOR(return at::add(tensor_of(a), tensor_of(b), scalar_of(alpha));)
}

srn_tensor srn_clamp(srn_tensor t, srn_scalar min, int32_t has_min, srn_scalar max, int32_t has_max) {
  SRN_TENSOR(if (has_min == 0 && has_max == 0) throw std::invalid_argument("clamp needs at least one of min and max");
             return at::clamp(tensor_of(t), has_min != 0 ? c10::optional<at::Scalar>(scalar_of(min)) : c10::nullopt,
                              has_max != 0 ? c10::optional<at::Scalar>(scalar_of(max)) : c10::nullopt);)
}

srn_tensor srn_clamp_tensor(srn_tensor t, srn_tensor min, srn_tensor max) {
  SRN_TENSOR(if (min == nullptr && max == nullptr) throw std::invalid_argument("clamp needs at least one of min and max");
             return at::clamp(tensor_of(t), srn::optional_tensor(min), srn::optional_tensor(max));)
}

srn_tensor srn_softplus(srn_tensor t, double beta, double threshold) {
  SRN_TENSOR(return at::softplus(tensor_of(t), beta, threshold);)
}

srn_tensor srn_leaky_relu(srn_tensor t, double negative_slope) {
  SRN_TENSOR(return at::leaky_relu(tensor_of(t), negative_slope);)
}

srn_tensor srn_softmax(srn_tensor t, int64_t dim, int32_t log, int32_t dtype) {
  SRN_TENSOR(const auto type = dtype >= 0 ? c10::optional<at::ScalarType>(srn::dtype_of(dtype)) : c10::nullopt;
             return log != 0 ? at::log_softmax(tensor_of(t), dim, type) : at::softmax(tensor_of(t), dim, type);)
}

srn_tensor srn_matmul(srn_tensor a, srn_tensor b, int32_t kind) {
  SRN_TENSOR(const auto& x = tensor_of(a); const auto& y = tensor_of(b); switch (kind) {
    case 0: return at::matmul(x, y);
    case 1: return at::bmm(x, y);
    case 2: return at::mm(x, y);
    case 3: return at::outer(x, y);
    case 4: return at::dot(x, y);
    default: throw std::invalid_argument("invalid matrix product kind " + std::to_string(kind));
  })
}

srn_tensor srn_einsum(const char* equation, const srn_tensor* operands, int64_t n) {
  SRN_TENSOR(if (equation == nullptr) throw std::invalid_argument("null einsum equation");
             return at::einsum(equation, srn::tensors_of(operands, n));)
}

srn_tensor srn_lerp(srn_tensor a, srn_tensor end, srn_tensor weight, double weight_scalar) {
  SRN_TENSOR(return weight == nullptr ? at::lerp(tensor_of(a), tensor_of(end), weight_scalar)
                                      : at::lerp(tensor_of(a), tensor_of(end), tensor_of(weight));)
}

}  // extern "C"
