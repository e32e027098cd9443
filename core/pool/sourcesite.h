#pragma once

namespace melodee {

// Where acquire() was called, for leak reports. Our own std::source_location: clang 14 cannot
// compile libstdc++ 12's (it lacks __builtin_source_location), and the TSAN build uses clang 14.
struct SourceSite
{
    const char *file = "";
    int line = 0;
    const char *function = "";
    static constexpr SourceSite current(const char *file = __builtin_FILE(),
                                        int line = __builtin_LINE(),
                                        const char *function = __builtin_FUNCTION())
    {
        return {file, line, function};
    }
};

} // namespace melodee
