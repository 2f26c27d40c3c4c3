// Errors, version, threads, seeds, and library-wide queries.
#include "common.h"

#include <ATen/Parallel.h>
#include <ATen/Context.h>
#include <ATen/Version.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/version.h>

#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace srn {

std::atomic<int64_t> live_tensors{0};

namespace {

// glibc serves allocations above M_MMAP_THRESHOLD (128 KiB at start) with fresh mmap'd pages, and gives the free
// top of the heap back to the OS once it exceeds M_TRIM_THRESHOLD; either way the next large tensor is faulted in
// and zeroed by the kernel again. In a Python process the heap top is pinned by small live objects and the dynamic
// threshold climbs to 32 MiB, so this rarely happens; in this .NET host it happened on every step: a ResNet-50
// backward pass took 49k page faults against Python's 5k, and ran 5-8% slower. So on load: mmap only above
// 32 MiB (the most mallopt allows) and never trim automatically: freed memory stays in the process for the next
// step, as a training loop wants. SRN_KEEP_MALLOC_DEFAULTS=1 opts out.
struct MallocTuning {
  bool applied = false;
  MallocTuning() {
#if defined(__GLIBC__)
    if (std::getenv("SRN_KEEP_MALLOC_DEFAULTS") == nullptr) {
      applied = mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024) == 1 && mallopt(M_TRIM_THRESHOLD, -1) == 1;
    }
#endif
  }
};
const MallocTuning malloc_tuning;

// OpenBLAS (the pthread build Debian installs) starts one thread per core and ignores at::set_num_threads. Its
// thread count changes the bits of some matrix products (a DSRB run differs after one epoch), and its idle threads
// spin on sched_yield, taking the core that the image loader or another run needs. So OpenBLAS follows libtorch's
// intra-op count: on load (unless OPENBLAS_NUM_THREADS or GOTO_NUM_THREADS says otherwise) and whenever
// srn_set_num_threads sets it. Other BLAS libraries are left alone.
void set_blas_threads(int n) {
  using SetThreads = void (*)(int);
  if (auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")); set != nullptr) set(n);
}

struct BlasThreads {
  BlasThreads() {
    if (std::getenv("OPENBLAS_NUM_THREADS") == nullptr && std::getenv("GOTO_NUM_THREADS") == nullptr) {
      set_blas_threads(at::get_num_threads());
    }
  }
};
const BlasThreads blas_threads;

thread_local std::string last_error;
thread_local bool has_error = false;
}  // namespace

void set_last_error(const char* message) {
  last_error = message != nullptr ? message : "";
  has_error = true;
}

char* copy_string(const std::string& s) {
  char* out = static_cast<char*>(std::malloc(s.size() + 1));
  if (out == nullptr) return nullptr;
  std::memcpy(out, s.c_str(), s.size() + 1);
  return out;
}

at::ScalarType dtype_of(int32_t code) {
  switch (code) {
    case SRN_UINT8: return at::kByte;
    case SRN_INT8: return at::kChar;
    case SRN_INT16: return at::kShort;
    case SRN_INT32: return at::kInt;
    case SRN_INT64: return at::kLong;
    case SRN_FLOAT16: return at::kHalf;
    case SRN_FLOAT32: return at::kFloat;
    case SRN_FLOAT64: return at::kDouble;
    case SRN_BOOL: return at::kBool;
    case SRN_BFLOAT16: return at::kBFloat16;
    default: throw std::invalid_argument("unsupported dtype code " + std::to_string(code));
  }
}

at::Device device_of(int32_t type, int32_t index) {
  if (index < -1 || index > 127) throw std::invalid_argument("invalid device index " + std::to_string(index));
  switch (type) {
    case 0: return at::Device(at::kCPU);
    case 1:
      if (!at::hasCUDA()) {
        throw std::runtime_error(
            "CUDA device requested, but this libtorch build has no CUDA support or no GPU is visible; "
            "rebuild the shim against a CUDA libtorch (see README, GPU setup) or use the CPU");
      }
      return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(index));
    default: throw std::invalid_argument("unsupported device type " + std::to_string(type));
  }
}

at::TensorOptions options_of(int32_t dtype, int32_t dev_type, int32_t dev_index) {
  at::TensorOptions o = at::TensorOptions().device(device_of(dev_type, dev_index));
  if (dtype >= 0) o = o.dtype(dtype_of(dtype));
  return o;
}

}  // namespace srn

extern "C" {

int32_t srn_abi_version(void) { return SRN_ABI_VERSION; }

char* srn_last_error_take(void) {
  if (!srn::has_error) return nullptr;
  srn::has_error = false;
  char* out = srn::copy_string(srn::last_error);
  srn::last_error.clear();
  return out;
}

void srn_free_string(char* s) { std::free(s); }

char* srn_torch_version(void) { return srn::copy_string(TORCH_VERSION); }

int32_t srn_malloc_tuned(void) { return srn::malloc_tuning.applied ? 1 : 0; }

int64_t srn_live_tensors(void) { return srn::live_tensors.load(std::memory_order_relaxed); }

int32_t srn_cuda_is_available(void) {
  try {
    return at::hasCUDA() ? 1 : 0;
  } catch (...) {
    return 0;
  }
}

int32_t srn_cuda_device_count(void) {
  try {
    return at::hasCUDA() ? static_cast<int32_t>(at::getNumGPUs()) : 0;
  } catch (...) {
    return 0;
  }
}

int32_t srn_get_num_threads(void) {
  try {
    return at::get_num_threads();
  } catch (...) {
    return 1;
  }
}

int32_t srn_set_num_threads(int32_t n) {
  SRN_STATUS(if (n < 1) throw std::invalid_argument("thread count must be >= 1, got " + std::to_string(n));
             at::set_num_threads(n); srn::set_blas_threads(n);)
}

int32_t srn_manual_seed(uint64_t seed) { SRN_STATUS(at::manual_seed(seed);) }

// The CPU generator's state as a uint8 tensor (same as torch.get_rng_state), for checkpoints that resume exactly.
srn_tensor srn_get_rng_state(void) {
  SRN_TENSOR(
      auto gen = at::detail::getDefaultCPUGenerator();
      std::lock_guard<std::mutex> lock(gen.mutex());
      return gen.get_state();)
}

// Restores a state from srn_get_rng_state (same as torch.set_rng_state); libtorch checks its size and dtype.
int32_t srn_set_rng_state(srn_tensor state) {
  SRN_STATUS(
      auto gen = at::detail::getDefaultCPUGenerator();
      std::lock_guard<std::mutex> lock(gen.mutex());
      gen.set_state(srn::tensor_of(state));)
}

int32_t srn_blas_info(char** out) {
  SRN_STATUS(
      if (out == nullptr) throw std::invalid_argument("null output pointer");
      // Which shared object provides the BLAS symbol libtorch's CPU matmul calls.
      Dl_info info{};
      void* sym = dlsym(RTLD_DEFAULT, "sgemm_");
      std::string where = "unknown";
      if (sym != nullptr && dladdr(sym, &info) != 0 && info.dli_fname != nullptr) where = info.dli_fname;
      char resolved[4096];
      if (where != "unknown" && realpath(where.c_str(), resolved) != nullptr) where = resolved;
      *out = srn::copy_string(where);)
}

}  // extern "C"
