// package midterm implements an in-memory terminal emulator, designed to be
// used as a component within a larger application for displaying logs, running
// interactive shells, or rendering terminal output.
package midterm
