using Srn.Torch;
using Srn.Torch.Interop;

namespace Srn.Tests.Torch;

[TestFixture]
public sealed class NativeLoadingTests
{
    [Test]
    public void A_failed_load_lists_every_path_with_its_reason_and_what_to_install()
    {
        var dir = Directory.CreateTempSubdirectory("srn-load-").FullName;
        try
        {
            var missing = Path.Combine(dir, "libsrn_native.so");
            var notALibrary = Path.Combine(dir, "garbage.so");
            File.WriteAllText(notALibrary, "not an ELF file");
            var wrongLibrary = typeof(NativeLoadingTests).Assembly.Location; // exists, is no shared object either
            var error = Assert.Throws<DllNotFoundException>(() =>
                NativeLibraryLoader.LoadFirst([missing, notALibrary, wrongLibrary], assembly: null, searchPath: null))!;
            Assert.That(error.Message, Does.Contain(missing + ": no such file"));
            Assert.That(error.Message, Does.Contain(notALibrary + ": "));
            Assert.That(error.Message, Does.Contain(wrongLibrary + ": "));
            Assert.That(error.Message, Does.Contain("apt-get install libtorch-dev libopenblas0-pthread"));
            Assert.That(error.Message, Does.Contain(NativeLibraryLoader.PathVariable));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void A_shared_library_that_is_not_the_shim_is_refused_by_the_abi_check()
    {
        var libc10 = new[] { "/usr/lib/x86_64-linux-gnu/libc10.so", "/usr/lib/libc10.so" }.FirstOrDefault(File.Exists);
        if (libc10 is null)
        {
            Assert.Ignore("libc10.so is not at a known path here (non-Debian libtorch).");
        }

        var error = Assert.Throws<DllNotFoundException>(() => NativeLibraryLoader.LoadFirst([libc10], assembly: null, searchPath: null))!;
        Assert.That(error.Message, Does.Contain("is not a Srn native library"));
    }

    [Test]
    public void The_loaded_shim_is_found_first_where_the_environment_variable_says()
    {
        var before = Environment.GetEnvironmentVariable(NativeLibraryLoader.PathVariable);
        try
        {
            Environment.SetEnvironmentVariable(NativeLibraryLoader.PathVariable, "/opt/custom/libsrn_native.so");
            Assert.That(NativeLibraryLoader.CandidatePaths()[0], Is.EqualTo("/opt/custom/libsrn_native.so"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(NativeLibraryLoader.PathVariable, before);
        }

        Assert.That(NativeLibraryLoader.CandidatePaths(), Has.Some.EndsWith("libsrn_native.so"));
        Assert.That(LibTorch.AbiVersion, Is.EqualTo(NativeLibraryLoader.ExpectedAbiVersion));
    }
}
