/*
 * A stand-in for Windows' bcryptprimitives.dll, for the installer check
 * under wine only (scripts/package/windows.sh); never shipped.
 *
 * Rust's standard library gets random numbers from ProcessPrng in
 * bcryptprimitives.dll, which every Windows 10 and 11 has but Wine 8 (Debian
 * 12) does not, so topicscope.exe would not even load there. This one
 * export answers from RtlGenRandom, which Wine has.
 */
#include <windows.h>
#include <ntsecapi.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!RtlGenRandom(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
