#ifndef CCPU_AFFINITY_H
#define CCPU_AFFINITY_H

// Which CPUs a thread runs on and where a socket's input is handled: the glibc calls behind these need
// _GNU_SOURCE, which Swift's Glibc module does not define. Linux only; elsewhere each fails (-1).

/// Writes up to `capacity` numbers of the CPUs the calling thread may run on (among the first 1024) into
/// `cpus`, in ascending order; returns how many, or -1.
int ccpu_allowed(int *cpus, int capacity);

/// Binds the calling thread to `cpu` alone; 0, or an error number (as pthread_setaffinity_np returns it).
int ccpu_bind_current_thread(int cpu);

/// The CPU on which the kernel last handled input for `socket` (SO_INCOMING_CPU), or -1 when it has none
/// (a Unix-domain socket, a kernel without the option, nothing received yet).
int ccpu_socket_incoming(int socket);

#endif
