import CSystem
import Glibc

/// Bytes from the kernel's CSPRNG, for tokens and secrets.
public enum SecureRandom {
    /// `count` random bytes from getrandom(2). Flags 0: the urandom source, which blocks only until the pool is
    /// first seeded at boot, and never afterwards returns unseeded bytes.
    public static func bytes(_ count: Int) throws(SystemError) -> [UInt8] {
        precondition(count >= 0, "a negative byte count")
        var bytes = [UInt8](repeating: 0, count: count)
        let failure: Int32 = bytes.withUnsafeMutableBytes { buffer in
            var filled = 0
            while filled < count {
                // getrandom may return fewer bytes than asked (above 32 MiB, or when a signal interrupts a
                // large read), and fails with EINTR if a signal arrives before any byte: ask again for the rest.
                let n = getrandom(buffer.baseAddress! + filled, count - filled, 0)
                if n > 0 {
                    filled += n
                } else if n < 0 && errno != EINTR {
                    return errno
                }
            }
            return 0
        }
        if failure != 0 { throw SystemError("getrandom", errno: failure) }
        return bytes
    }
}
