/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_TESTPMD_H
#define PDK_TESTPMD_H

/*
 * pdk-testpmd: the state every part of the application shares.
 *
 * Threads: the main lcore runs the command line (and the setup, teardown
 * and --time loop); worker lcores run traffic (traffic.c); DPDK's telemetry
 * thread answers /pdk/ requests (telemetry.c). tp.lock serialises the
 * command handlers against the telemetry callbacks, because neither
 * lib/dmadev's control path nor the address space table here is
 * thread-safe. Workers never take it: while traffic runs they own their
 * queues' fast path, and the control path refuses to touch those queues.
 */

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmdline_parse.h>

#include <pdk_bus.h>
#include <pdk_dma.h>
#include <pdk_dmadev.h>
#include <pdk_iommufd.h>
#include <pdk_log.h>
#include <pdk_sim.h>

#define TP_PROMPT "pdk-testpmd> "

/* The simulated DSA made when no -a is given. */
#define TP_SIM_DSA_ADDR "0000:6a:01.0"

#define TP_MAX_AS	64	/* address spaces the application keeps */
#define TP_MAX_BUFS	32	/* buffers mapped per address space */
#define TP_NAME_LEN	32	/* address space names */
#define TP_ARG_LEN	64	/* one command word */
#define TP_MAX_BURST	512
#define TP_MAX_ALLOW	16	/* -a options */

enum tp_mode {
	TP_MODE_COPY = 0,
	TP_MODE_FILL,
	TP_MODE_VERIFY,
};

/* A buffer the application mmap'ed and mapped into one address space. */
struct tp_buf {
	uint8_t *va;
	size_t len;
	uint64_t iova;
	bool demand;		/* "as demand": mapped a page at a time, when the device faults */
};

#define TP_MAX_FPASID 16	/* PASIDs whose faults an address space counts */

/* The faults of one PASID in one address space, as the handler saw them (faults.c). */
struct tp_fault_pasid {
	uint32_t pasid;
	uint64_t faults;
	uint64_t resolved;	/* the handler mapped the page */
	uint64_t again;		/* the page was mapped already (a repeated fault): resolved */
	uint64_t refused;	/* outside the region, wrong access, already mapped */
};

struct tp_as {
	char name[TP_NAME_LEN];
	struct pdk_dma_as *as;
	unsigned int nb_bufs;
	struct tp_buf bufs[TP_MAX_BUFS];
	bool demand;		/* has the fault handler (set before its first queue) */
	unsigned int nb_fp;
	struct tp_fault_pasid fp[TP_MAX_FPASID];
};

/*
 * What a worker counts for one queue on top of the device's counters. The
 * worker is the only writer and stores with relaxed atomics; the command
 * and telemetry threads load them the same way, so a reader sees each
 * counter whole, never torn (the rte_dmadev stats scheme, made explicit).
 */
struct tp_qctr {
	uint64_t bursts;
	uint64_t verified;	/* ops whose destination was compared */
	uint64_t mismatches;	/* bytes that differed from the source */
	uint64_t enq_errors;	/* enqueue/submit errors other than a full ring */
	uint64_t lost;		/* ops not completed when traffic stopped */
	uint64_t last_fault_iova;
	/* ops/s of the run's fastest and slowest TP_RATE_WINDOW (0, 0: none yet) */
	uint64_t rate_min;
	uint64_t rate_max;
};

/* The window of the min and max rates of a run (s). */
#define TP_RATE_WINDOW 0.5

/* Counters at one moment, for "since the last show/clear". */
struct tp_snap {
	struct pdk_dmadev_stats dev;
	struct tp_qctr app;
	double t;		/* seconds, CLOCK_MONOTONIC */
};

struct tp_queue {
	bool set_up;		/* by a queue setup of ours (see tp_queue_info()) */
	struct tp_qctr ctr;
	struct tp_snap base;	/* "clear stats" */
	struct tp_snap last;	/* the last "show stats" (rates) */
	struct tp_snap run;	/* the start of the last run (its summary) */
};

struct tp_dev {
	bool started;		/* pdk_dmadev_start() done by us */
	struct tp_queue q[PDK_DMADEV_MAX_QUEUES];
};

struct tp_state {
	pthread_mutex_t lock;

	/* backend and bus */
	struct pdk_sim *sim;	/* NULL on the kernel backend */
	struct pdk_sys *sys;
	struct pdk_iommufd *ictx;
	struct pdk_bus *bus;

	struct tp_as *as[TP_MAX_AS];
	struct tp_dev dev[PDK_DMADEV_MAX_DEVS];

	bool stats_json;	/* --stats-json: periods and summary as JSON lines too */
	bool verbose;		/* -v: every library log line, also those for C programmers */

	/* traffic settings */
	enum tp_mode mode;
	uint32_t size;
	uint16_t burst;

	/* traffic state; stop is read by the workers */
	bool running;
	uint32_t stop;
	double stopped_at;	/* tp_now() when the workers last ended; 0 before */

	/* command line */
	struct cmdline *cl;
	bool interactive;	/* cmdline_interact() is running */
	bool quit;		/* "quit" was given */
	volatile sig_atomic_t signaled;	/* SIGINT or SIGTERM, 0: none */
	double sleep_max;	/* "sleep" waits at most this (s); a fuzzer lowers it */

	/* what the exit status says (doc/testpmd.md, "Exit status") */
	unsigned int nb_errors;	/* tp_err() lines */
	unsigned int nb_failed;	/* commands that printed an error */
	bool failed;		/* a step outside a command failed (file, auto-start) */
	char where[96];		/* "FILE:LINE" of the command file's line being run */
};

extern struct tp_state tp;

/* ---- helpers (cmds.c) ---- */

/*
 * Print "error: ..." (one line) on stdout, where the session's output is;
 * from a command file, "FILE:LINE: error: ...". The command that prints one
 * counts as failed (tp_cmd_dispatch()).
 */
void tp_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A device's PDK_DMADEV_CAPA_* bits as words ("copy fill pasid fence SIMULATED"). */
const char *tp_capa_names(uint64_t capa, char *buf, size_t len);

/* Parse a number (decimal or 0x hex) in [min, max]; @p what names it in the error. */
int tp_parse_u64(const char *s, const char *what, uint64_t min, uint64_t max, uint64_t *v);
/* The same, with an optional K/M/G suffix (powers of 1024). */
int tp_parse_size(const char *s, const char *what, uint64_t min, uint64_t max, uint64_t *v);
/* A device id that exists; the error names the problem. */
int tp_parse_dev(const char *s, int *dev_id);
/*
 * A buffer for space @p a: room checked, *@p len rounded up to pages,
 * mmap'ed populated into *@p va. @return 0 or -errno (printed).
 */
int tp_as_buf_mmap(const struct tp_as *a, size_t *len, void **va);

double tp_now(void);
const char *tp_mode_name(enum tp_mode m);
int tp_mode_parse(const char *s, enum tp_mode *m);

/* ---- PASIDs (cmds_pasid.c) ---- */
/* Parse a PASID of device @p id: [1, 2^width), the device's PASID space. */
int tp_parse_pasid(int id, const char *s, uint32_t *pasid);
/* The queue of device @p id that holds @p pasid, or -1. */
int tp_pasid_queue(int id, uint32_t pasid);

/* ---- address spaces (cmds_as.c) ---- */
struct tp_as *tp_as_find(const char *name);
struct tp_as *tp_as_of(const struct pdk_dma_as *as);
int tp_as_create(const char *name, struct tp_as **out);
int tp_as_map(struct tp_as *a, size_t len, struct tp_buf **out);
/* The same at a chosen IOVA (another space's buffer's, for "as replace"). */
int tp_as_map_at(struct tp_as *a, size_t len, uint64_t iova, struct tp_buf **out);
int tp_as_destroy(struct tp_as *a);
unsigned int tp_as_count(void);

/* ---- I/O page faults (faults.c) ---- */
/*
 * Give @p a a fault handler (map on demand, counting per PASID) and an
 * on-demand buffer of @p len bytes, and start the thread that polls the
 * spaces' faults (under tp.lock). Refused once a queue uses @p a.
 */
int tp_faults_demand(struct tp_as *a, size_t len, struct tp_buf **out);
/* Stop the polling thread (teardown, before the spaces go); no lock held. */
void tp_faults_stop(void);
/* "show fault stats". */
void tp_faults_show(void);

/* ---- queues (cmds_queue.c) ---- */
/* Without @p force, refused while a queue is set up (configure releases them all). */
int tp_port_config(int dev_id, uint16_t nb_queues, bool force);
int tp_queue_setup(int dev_id, uint16_t q, struct tp_as *a, uint32_t pasid, uint16_t nb_desc);
/* Forget the application's counters of a queue (new or released). */
void tp_queue_reset(int dev_id, uint16_t q);
/* Read a queue's counters now. */
void tp_queue_snap(int dev_id, uint16_t q, struct tp_snap *s);
bool tp_queue_is_set_up(int dev_id, uint16_t q);
/*
 * pdk_dmadev_queue_info() of a queue we set up; -EINVAL without asking the
 * library otherwise, because the library logs an error for a queue that is
 * not set up and "which queues are set up" is a question here, not an error.
 */
int tp_queue_info(int dev_id, uint16_t q, struct pdk_dmadev_queue_info *qi);
/* Every queue of the device is gone (configure, close, bus destroy). */
void tp_queues_forget(int dev_id);

/* ---- traffic (traffic.c) ---- */
int tp_traffic_start(void);
void tp_traffic_stop(void);
/*
 * Have the worker of a running queue stop between two bursts, every op of
 * it completed, and give the IOVA and length of the buffer it works on.
 * @return 0 (held: tp_traffic_release() resumes it), -ENOENT (the queue
 * runs no traffic), -ETIMEDOUT (its ops did not complete: not held).
 */
int tp_traffic_hold(int dev_id, uint16_t q, uint64_t *iova, size_t *len);
/* Resume a held queue; @p va, if not NULL, is where its buffer now is (same IOVA). */
void tp_traffic_release(int dev_id, uint16_t q, uint8_t *va);
/* Whether running traffic works on the buffer of @p a at @p iova. */
bool tp_traffic_uses(const struct tp_as *a, uint64_t iova);
/* Print the stats table; @p update moves the "since the last show" mark. */
void tp_stats_show(bool update);
/* One JSON line of the stats since the last show (--stats-json); moves the mark. */
void tp_stats_json(void);
/* Counts of a demonstration (isolation) are not traffic: forget those since @p before. */
void tp_stats_exclude(int dev_id, uint16_t q, const struct tp_snap *before);
void tp_stats_clear(void);

/* ---- telemetry (telemetry.c) ---- */
int tp_telemetry_register(void);
/* The path of this process's telemetry socket (in @p dir, the runtime dir). */
int tp_telemetry_socket(const char *dir, char *path, size_t len);

/* ---- embedding (main.c): setup without options, and teardown ---- */
int tp_embed_setup(void);
int tp_embed_teardown(void);

/* ---- the command line (cmds.c) ---- */

/* One command's handler; it runs with tp.lock held. */
struct tp_cmd_def {
	void (*fn)(void *res);
};
void tp_cmd_dispatch(void *res, struct cmdline *cl, void *data);

/* A word token of our own: any word, kept as text, checked by the handler
 * so that its error says what was wrong ("'x' is not a number"). */
struct tp_token {
	struct cmdline_token_hdr hdr;
	const char *help;
};
extern struct cmdline_token_ops tp_token_word_ops;
extern struct cmdline_token_ops tp_token_as_ops;	/* completes AS names */
#define TP_TOKEN_WORD(structure, field, helpstr) \
	{ { &tp_token_word_ops, offsetof(structure, field) }, helpstr }
#define TP_TOKEN_AS(structure, field) \
	{ { &tp_token_as_ops, offsetof(structure, field) }, "<as-name>" }

/* A command group: its cmdline instances and its lines of "help". */
struct tp_help {
	const char *syntax;
	const char *what;
};
struct tp_group {
	const char *title;
	cmdline_parse_inst_t **insts;	/* NULL-terminated */
	const struct tp_help *help;	/* ends with a NULL syntax */
};
extern const struct tp_group tp_group_general;
extern const struct tp_group tp_group_show;
extern const struct tp_group tp_group_pasid;
extern const struct tp_group tp_group_as;
extern const struct tp_group tp_group_queue;
extern const struct tp_group tp_group_traffic;
extern const struct tp_group tp_group_isolation;

void tp_help_print(void);
/* Route the library's log lines through pdk-testpmd (see cmds.c); main() does it. */
void tp_log_install(void);
/* The groups, for the answer to an unknown line (cmds_words.c). */
const struct tp_group *const *tp_groups(unsigned int *nb);
/* That answer: the last instance of the context, and its set-up. */
extern cmdline_parse_inst_t tp_inst_other;
void tp_words_init(cmdline_parse_ctx_t *commands);
/* Run the commands of @p path. @return 0, or -errno if it cannot be read. */
int tp_cmdline_file(const char *path);
/* Prompt on stdin until quit or EOF. */
void tp_cmdline_interactive(void);

#endif /* PDK_TESTPMD_H */
