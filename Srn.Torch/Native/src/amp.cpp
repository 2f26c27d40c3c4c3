// Mixed precision: libtorch's own autocast state (thread-local, as in PyTorch) and memory formats.
// Autocast's op policy (which ops run in low precision, which are forced to fp32) lives in libtorch's
// dispatcher (the AutocastCPU / Autocast(CUDA) kernels); the shim only switches it on and off, exactly
// as torch.autocast's __enter__/__exit__ do.
#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include "common.h"

using srn::tensor_of;

namespace {

// libtorch 2.4 replaced the per-device functions (is_cpu_enabled, set_autocast_gpu_dtype, ...) with ones
// that take the device type; the old ones are deprecated there and gone later.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define SRN_AUTOCAST_BY_DEVICE 1
#endif

at::DeviceType autocast_device(int32_t device_type) {
  switch (device_type) {
    case 0: return at::kCPU;
    case 1: return at::kCUDA;
    default: throw std::invalid_argument("autocast device type must be 0 (cpu) or 1 (cuda), got " + std::to_string(device_type));
  }
}

bool get_enabled(at::DeviceType d) {
#ifdef SRN_AUTOCAST_BY_DEVICE
  return at::autocast::is_autocast_enabled(d);
#else
  return d == at::kCPU ? at::autocast::is_cpu_enabled() : at::autocast::is_enabled();
#endif
}

void set_enabled(at::DeviceType d, bool enabled) {
#ifdef SRN_AUTOCAST_BY_DEVICE
  at::autocast::set_autocast_enabled(d, enabled);
#else
  if (d == at::kCPU) {
    at::autocast::set_cpu_enabled(enabled);
  } else {
    at::autocast::set_enabled(enabled);
  }
#endif
}

at::ScalarType get_dtype(at::DeviceType d) {
#ifdef SRN_AUTOCAST_BY_DEVICE
  return at::autocast::get_autocast_dtype(d);
#else
  return d == at::kCPU ? at::autocast::get_autocast_cpu_dtype() : at::autocast::get_autocast_gpu_dtype();
#endif
}

void set_dtype(at::DeviceType d, at::ScalarType t) {
#ifdef SRN_AUTOCAST_BY_DEVICE
  at::autocast::set_autocast_dtype(d, t);
#else
  if (d == at::kCPU) {
    at::autocast::set_autocast_cpu_dtype(t);
  } else {
    at::autocast::set_autocast_gpu_dtype(t);
  }
#endif
}

at::MemoryFormat memory_format_of(int32_t code) {
  switch (code) {
    case 0: return at::MemoryFormat::Contiguous;
    case 1: return at::MemoryFormat::Preserve;
    case 2: return at::MemoryFormat::ChannelsLast;
    case 3: return at::MemoryFormat::ChannelsLast3d;
    default: throw std::invalid_argument("memory format must be 0 (contiguous), 1 (preserve), 2 (channels_last) or 3 (channels_last_3d), got " + std::to_string(code));
  }
}

}  // namespace

int32_t srn_autocast_get(int32_t device_type, int32_t* enabled, int32_t* dtype) {
  SRN_STATUS(if (enabled == nullptr || dtype == nullptr) throw std::invalid_argument("null output pointer");
             const auto d = autocast_device(device_type);
             *enabled = get_enabled(d) ? 1 : 0;
             *dtype = static_cast<int32_t>(get_dtype(d));)
}

int32_t srn_autocast_set(int32_t device_type, int32_t enabled, int32_t dtype) {
  SRN_STATUS(const auto d = autocast_device(device_type);
             const auto t = srn::dtype_of(dtype);
             if (d == at::kCPU && t != at::kBFloat16 && t != at::kHalf)
               throw std::invalid_argument("CPU autocast runs in bfloat16 or float16 only");
             if (d == at::kCUDA && t != at::kBFloat16 && t != at::kHalf)
               throw std::invalid_argument("CUDA autocast runs in float16 or bfloat16 only");
             set_dtype(d, t);
             set_enabled(d, enabled != 0);)
}

int32_t srn_autocast_enter_nesting(int32_t* depth) {
  SRN_STATUS(if (depth == nullptr) throw std::invalid_argument("null output pointer");
             *depth = at::autocast::increment_nesting();)
}

// Leaving the outermost autocast region drops the cast cache (the fp32 -> low-precision copies of
// parameters made while it was on), as torch.autocast.__exit__ does.
int32_t srn_autocast_exit_nesting(int32_t* depth) {
  SRN_STATUS(if (depth == nullptr) throw std::invalid_argument("null output pointer");
             *depth = at::autocast::decrement_nesting();
             if (*depth == 0) at::autocast::clear_cache();)
}

srn_tensor srn_contiguous_format(srn_tensor t, int32_t memory_format) {
  SRN_TENSOR(return tensor_of(t).contiguous(memory_format_of(memory_format));)
}

int32_t srn_tensor_is_contiguous_format(srn_tensor t, int32_t memory_format, int32_t* out) {
  SRN_STATUS(if (out == nullptr) throw std::invalid_argument("null output pointer");
             *out = tensor_of(t).is_contiguous(memory_format_of(memory_format)) ? 1 : 0;)
}

int32_t srn_tensor_suggest_memory_format(srn_tensor t, int32_t* out) {
  SRN_STATUS(if (out == nullptr) throw std::invalid_argument("null output pointer");
             *out = static_cast<int32_t>(tensor_of(t).suggest_memory_format());)
}
