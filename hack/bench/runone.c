/*
 * Benchmark runner: run one command with stdin from a file, N times, and print per run
 * "wall_us cpu_us maxrss_kb exit user_us sys_us" for the whole process tree (children waited for by
 * the command count too: Go's bridge execs host-local). A fresh intermediate process per run keeps
 * maxrss per run rather than a running maximum.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void measure_once(const char *stdin_path, char **argv, int out_fd)
{
	struct rusage ru;
	long long start, wall, user, sys;
	int status = 0;
	pid_t pid;
	char line[128];
	int len;

	start = now_us();
	pid = fork();
	if (pid == 0) {
		int fd = open(stdin_path, O_RDONLY);
		int null_fd = open("/dev/null", O_WRONLY);

		if (fd < 0 || null_fd < 0)
			_exit(127);
		dup2(fd, 0);
		dup2(null_fd, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	wall = now_us() - start;
	getrusage(RUSAGE_CHILDREN, &ru);
	user = ru.ru_utime.tv_sec * 1000000LL + ru.ru_utime.tv_usec;
	sys = ru.ru_stime.tv_sec * 1000000LL + ru.ru_stime.tv_usec;
	len = snprintf(line, sizeof(line), "%lld %lld %ld %d %lld %lld\n", wall, user + sys,
		       ru.ru_maxrss, WIFEXITED(status) ? WEXITSTATUS(status) : 128, user, sys);
	if (write(out_fd, line, (size_t)len) != len)
		_exit(1);
}

int main(int argc, char **argv)
{
	pid_t pid;
	int status;

	if (argc < 3) {
		fprintf(stderr, "usage: runone STDIN_FILE BINARY [ARGS...]\n");
		return 2;
	}
	pid = fork();
	if (pid == 0) {
		measure_once(argv[1], argv + 2, 1);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
