// Internal helpers shared by every .cpp of the shim: handle conversion, options, and the
// try/catch wrappers that turn any C++ exception into the thread-local last error.
#pragma once

#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include <atomic>
#include <exception>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "srn_native.h"

namespace srn {

extern std::atomic<int64_t> live_tensors;
void set_last_error(const char* message);
char* copy_string(const std::string& s);

// Owning wrapper behind srn_tensor. Keeping it a struct (not a bare at::Tensor*) leaves room
// for per-handle bookkeeping without changing the ABI.
struct TensorBox {
  at::Tensor tensor;
  explicit TensorBox(at::Tensor t) : tensor(std::move(t)) { live_tensors.fetch_add(1, std::memory_order_relaxed); }
  ~TensorBox() { live_tensors.fetch_sub(1, std::memory_order_relaxed); }
};

inline srn_tensor wrap(at::Tensor t) {
  return reinterpret_cast<srn_tensor>(new TensorBox(std::move(t)));
}

inline const at::Tensor& tensor_of(srn_tensor h) {
  if (h == nullptr) throw std::invalid_argument("null tensor handle passed to the native shim");
  return reinterpret_cast<TensorBox*>(h)->tensor;
}

inline at::Tensor& mutable_tensor_of(srn_tensor h) {
  if (h == nullptr) throw std::invalid_argument("null tensor handle passed to the native shim");
  return reinterpret_cast<TensorBox*>(h)->tensor;
}

inline c10::optional<at::Tensor> optional_tensor(srn_tensor h) {
  if (h == nullptr) return c10::nullopt;
  return tensor_of(h);
}

// A list of tensor handles passed in as (pointer, count).
inline std::vector<at::Tensor> tensors_of(const srn_tensor* hs, int64_t n) {
  if (n < 0 || (n > 0 && hs == nullptr)) throw std::invalid_argument("invalid tensor array");
  std::vector<at::Tensor> v;
  v.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v.push_back(tensor_of(hs[i]));
  return v;
}

inline at::IntArrayRef int_array(const int64_t* values, int64_t n) {
  if (n < 0 || (n > 0 && values == nullptr)) throw std::invalid_argument("invalid integer array");
  return at::IntArrayRef(values, static_cast<size_t>(n));
}

inline at::Scalar scalar_of(const srn_scalar& s) {
  switch (s.kind) {
    case 0: return at::Scalar(s.d);
    case 1: return at::Scalar(static_cast<int64_t>(s.i));
    case 2: return at::Scalar(s.i != 0);
    default: throw std::invalid_argument("invalid scalar kind " + std::to_string(s.kind));
  }
}

at::ScalarType dtype_of(int32_t code);
at::Device device_of(int32_t type, int32_t index);
// requires_grad is applied after creation (ATen factory functions ignore it): see creation.cpp's finish().
at::TensorOptions options_of(int32_t dtype, int32_t dev_type, int32_t dev_index);

inline at::Reduction::Reduction reduction_of(int32_t r) {
  switch (r) {
    case 0: return at::Reduction::None;
    case 1: return at::Reduction::Mean;
    case 2: return at::Reduction::Sum;
    default: throw std::invalid_argument("reduction must be 0 (none), 1 (mean) or 2 (sum), got " + std::to_string(r));
  }
}

// Records the message of whatever is in flight. c10::Error carries a C++ backtrace that means
// nothing to a C# caller, so only the message part is kept.
inline void record_current_exception() {
  try {
    throw;
  } catch (const c10::Error& e) {
    set_last_error(e.what_without_backtrace());
  } catch (const std::bad_alloc&) {
    set_last_error("out of memory");
  } catch (const std::exception& e) {
    set_last_error(e.what());
  } catch (...) {
    set_last_error("unknown native exception");
  }
}

}  // namespace srn

// Body returns an at::Tensor; the export returns a new handle, or NULL after recording the error.
#define SRN_TENSOR(body)                 \
  try {                                  \
    return ::srn::wrap([&]() -> at::Tensor { body; }()); \
  } catch (...) {                        \
    ::srn::record_current_exception();   \
    return nullptr;                      \
  }

// Body performs side effects; the export returns 0, or -1 after recording the error.
#define SRN_STATUS(body)                 \
  try {                                  \
    body;                                \
    return 0;                            \
  } catch (...) {                        \
    ::srn::record_current_exception();   \
    return -1;                           \
  }

// Body returns a std::vector<at::Tensor>; the export returns a list handle or NULL.
#define SRN_LIST(body)                                                                   \
  try {                                                                                  \
    auto* list = new std::vector<at::Tensor>([&]() -> std::vector<at::Tensor> { body; }()); \
    return reinterpret_cast<srn_tensor_list>(list);                                      \
  } catch (...) {                                                                        \
    ::srn::record_current_exception();                                                   \
    return nullptr;                                                                      \
  }
