using System.Diagnostics;

namespace Engine.Tests.Support;

/// <summary>
/// A file system of a few megabytes of its own (a tmpfs, mounted for one test and unmounted after it), so that a test
/// can fill the disk under a running engine and free it again. Mounting needs root, as the machine and CI run the
/// tests; anywhere else the test fails saying so rather than passing without having filled anything.
/// </summary>
public sealed class SmallFileSystem : IDisposable
{
    private const string FillerName = "filler";
    private readonly TempDirectory _mountPoint = new();

    public SmallFileSystem(int megabytes)
    {
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0755", "tmpfs", _mountPoint.Path);
        if (code != 0)
        {
            _mountPoint.Dispose();
            throw new InvalidOperationException(
                $"This test fills a disk, so it needs a small file system of its own: 'mount -t tmpfs' failed (exit {code}; the tests run as uid {Uid()}, and mounting needs root, as on CI): {output}");
        }
    }

    public string Path => _mountPoint.Path;

    /// <summary>Takes every byte left with a file of its own (in 64 KiB writes, then smaller ones down to a byte).</summary>
    public void Fill()
    {
        using var filler = new FileStream(System.IO.Path.Combine(Path, FillerName), FileMode.Append, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        for (var chunk = new byte[64 * 1024]; chunk.Length > 0; chunk = new byte[chunk.Length / 2])
        {
            try
            {
                while (true)
                {
                    filler.Write(chunk);
                }
            }
            catch (IOException)
            {
                // No room for a chunk this size: try a smaller one.
            }
        }
    }

    /// <summary>Gives the filler's space back.</summary>
    public void Free() => File.Delete(System.IO.Path.Combine(Path, FillerName));

    /// <summary>Bytes still free, as the file system reports them.</summary>
    public long FreeBytes => new DriveInfo(Path).AvailableFreeSpace;

    public void Dispose()
    {
        // Lazy: a stopping engine may still hold a file open; the mount goes as soon as it lets go.
        Run("umount", "-l", Path);
        _mountPoint.Dispose();
    }

    private static string Uid() => Run("id", "-u").Output.Trim();

    private static (int Code, string Output) Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, (stdout.Result + stderr.Result).Trim());
    }
}
