#define _GNU_SOURCE
#include "CCPUAffinity.h"

#ifdef __linux__

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>

#ifndef SO_INCOMING_CPU
#define SO_INCOMING_CPU 49
#endif

int ccpu_allowed(int *cpus, int capacity) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (pthread_getaffinity_np(pthread_self(), sizeof set, &set) != 0) return -1;
    int count = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE && count < capacity; cpu++) {
        if (CPU_ISSET(cpu, &set)) cpus[count++] = cpu;
    }
    return count;
}

int ccpu_bind_current_thread(int cpu) {
    if (cpu < 0 || cpu >= CPU_SETSIZE) return EINVAL;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

int ccpu_socket_incoming(int socket) {
    int cpu = -1;
    socklen_t size = sizeof cpu;
    if (getsockopt(socket, SOL_SOCKET, SO_INCOMING_CPU, &cpu, &size) != 0) return -1;
    return cpu;
}

#else

int ccpu_allowed(int *cpus, int capacity) { (void)cpus; (void)capacity; return -1; }
int ccpu_bind_current_thread(int cpu) { (void)cpu; return -1; }
int ccpu_socket_incoming(int socket) { (void)socket; return -1; }

#endif
