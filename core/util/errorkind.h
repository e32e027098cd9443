#pragma once

namespace melodee {

// What kind of failure an error is, independent of who shows it. The command line maps each kind
// to its exit code (cli/clicontext.h); the desktop app words its message after it.
enum class ErrorKind {
    Failure,   // the operation failed
    Usage,     // a wrong value in the arguments, the configuration or an input file
    Drift,     // the database or a reviewed plan no longer matches what was reviewed
    Guard,     // refused by the production guard
    LockWait,  // a lock could not be taken in time, or retries ran out
    Cancelled, // the user cancelled it
};

} // namespace melodee
