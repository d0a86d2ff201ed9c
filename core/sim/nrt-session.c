/* nrt-session.c: the live simulation: one solver thread per session, fed by a command queue.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Threads.  The main thread owns the NrtSession, watches the model, compiles it and queues
 * commands; the worker owns the NrtSim and is the only writer of the trace store and of the
 * frame.  Nothing else is shared: commands go one way through a GAsyncQueue, and status comes
 * back through a mutex-protected "latest status" that one idle source at a time delivers to
 * the main context (so a slow main loop gets the newest status, never a backlog).
 *
 * The run loop is stdrun.hoc's: continuerun(tstop) is `while (t < tstop - dt/2 && !stoprun)
 * step()`, where step() is one plot interval (nstep_steprun = int(Dt/dt) fixed steps, then
 * Plot()).  So a run stops on a plot interval boundary, traces get a sample at every one
 * (the first at t = 0 after init), and Stop, like NEURON's stoprun, ends the run after the
 * current step() — one fixed step at the default 40 points/ms.  Commands and network swaps
 * are taken between single fixed steps, so a parameter edit bends the trace from the next
 * fixed step on.
 */
#include "nrt-session-private.h"
#include "nrt-sim-private.h"

#include <math.h>
#include <stdatomic.h>
#include <string.h>

/* GLib's GMutex and GAsyncQueue are futex-based and invisible to ThreadSanitizer; these
 * annotations tell it about the happens-before edges they give, so that a TSan build checks
 * our own code instead of reporting every hand-over through them. */
#if defined(__SANITIZE_THREAD__)
void __tsan_acquire (void *addr);
void __tsan_release (void *addr);
#define TSAN_ACQUIRE(p) __tsan_acquire ((void *) (p))
#define TSAN_RELEASE(p) __tsan_release ((void *) (p))
#else
#define TSAN_ACQUIRE(p) ((void) (p))
#define TSAN_RELEASE(p) ((void) (p))
#endif

static void
shared_lock (GMutex *lock)
{
  g_mutex_lock (lock);
  TSAN_ACQUIRE (lock);
}

static void
shared_unlock (GMutex *lock)
{
  TSAN_RELEASE (lock);
  g_mutex_unlock (lock);
}

static gpointer
queue_pop (GAsyncQueue *queue, gint64 timeout_us)
{
  gpointer cmd = timeout_us < 0 ? g_async_queue_pop (queue)
                 : timeout_us == 0 ? g_async_queue_try_pop (queue)
                 : g_async_queue_timeout_pop (queue, (guint64) timeout_us);
  if (cmd != NULL)
    TSAN_ACQUIRE (cmd);
  return cmd;
}

/* ---------------------------------------------------------------------------------- */
/* Shared pieces                                                                        */

/* A compiled network, shared by the main thread (its view, for get_network and the
 * recordables) and the worker (which runs it); freed when both let go. */
typedef struct {
  NrtNetwork *net;
} NetRef;

static void
net_ref_clear (gpointer data)
{
  NetRef *ref = data;
  nrt_network_free (ref->net);
}

static NetRef *
net_ref_new (NrtNetwork *net)
{
  NetRef *ref = g_atomic_rc_box_new0 (NetRef);
  ref->net = net;
  return ref;
}

static NetRef *
net_ref_ref (NetRef *ref)
{
  return ref ? g_atomic_rc_box_acquire (ref) : NULL;
}

static void
net_ref_unref (NetRef *ref)
{
  if (ref != NULL)
    g_atomic_rc_box_release_full (ref, net_ref_clear);
}

typedef enum {
  CMD_INIT,
  CMD_RUN,
  CMD_CONTINUE_TIL,
  CMD_CONTINUE_FOR,
  CMD_SINGLE_STEP,
  CMD_STOP,
  CMD_SWAP,
  CMD_PACE,
  CMD_ADD_TRACE,
  CMD_REMOVE_TRACE,
  CMD_FRAME_VARIABLE,
  CMD_QUIT,
} CmdKind;

typedef struct {
  CmdKind kind;
  guint64 serial;
  double  value;
  NetRef *net;    /* CMD_SWAP; NULL when the model does not compile */
  char   *expr;   /* CMD_ADD_TRACE */
  guint   id;     /* CMD_ADD_TRACE, CMD_REMOVE_TRACE */
} Cmd;

static void
cmd_free (Cmd *cmd)
{
  net_ref_unref (cmd->net);
  g_free (cmd->expr);
  g_free (cmd);
}

typedef struct {
  double   t;
  gboolean running;
  double   realtime_factor;
  double   realtime;
  guint64  serial_done;   /* the last command the worker has taken */
} Status;

/* What the worker hands to the main context.  Reference-counted: the idle source holds one
 * reference, the session another. */
typedef struct {
  GMutex        lock;
  Status        latest;
  GQueue        errors;          /* of char *, not yet delivered */
  GSource      *pending;         /* the idle source that will deliver, or NULL */
  GMainContext *context;
  NrtSession   *session;         /* main thread only; NULL once disposed */
} Shared;

static void
shared_clear (gpointer data)
{
  Shared *sh = data;
  g_queue_clear_full (&sh->errors, g_free);
  g_main_context_unref (sh->context);
  g_mutex_clear (&sh->lock);
}

static void
shared_unref (gpointer data)
{
  g_atomic_rc_box_release_full (data, shared_clear);
}

/* The frame: v at every node, published by the worker under a sequence lock.  Buffers only
 * grow (a structural edit may add nodes) and old ones are kept until the session is freed,
 * so a reader that raced with a swap reads stale memory, never freed memory, and then sees
 * the sequence number changed and retries. */
typedef struct {
  guint           capacity;
  _Atomic guint   n;
  _Atomic double  t;
  _Atomic double  v[];
} FrameBuf;

typedef struct {
  _Atomic guint64     seq;      /* odd while the worker writes; serial = seq / 2 */
  _Atomic (FrameBuf *) buf;
  GPtrArray          *all;      /* every FrameBuf ever used, freed with the session */
} Frame;

#define FRAME_INTERVAL_US   5000    /* the worker publishes a frame at most this often */
#define STATUS_INTERVAL_US  16667   /* and status at most at 60 Hz (plus after commands) */

typedef struct {
  guint  id;       /* trace id in the store */
  char  *expr;
  int    record;   /* in the current sim, or -1 when expr names nothing any more */
} WorkerTrace;

/* Everything the worker thread owns.  Set up on the main thread before the thread starts,
 * freed after it is joined. */
typedef struct {
  GAsyncQueue   *queue;
  _Atomic int   *n_pending;
  NrtTraceStore *store;
  Shared        *shared;
  Frame         *frame;

  NetRef  *net;
  NrtSim  *sim;
  GArray  *traces;            /* of WorkerTrace */
  int      frame_var;         /* nrt_node_variable_lookup() id of what frames hold */
  double  *frame_scratch;     /* n_nodes values of frame_var, filled before publishing */
  guint    frame_scratch_len;

  gboolean running, stop_requested, follow_tstop, quit;
  double   target;             /* continuerun's tstop */
  gint64   intervals_left;     /* plot intervals still to run, -1 for no limit */
  guint    plot_steps;         /* fixed steps per plot interval */
  guint    steps_in_interval;
  guint64  steps_since_init;

  double   pace;               /* model ms per wall second; 0 = flat out */
  double   pace_t;
  gint64   pace_wall;

  gint64   run_wall;           /* when the current run began (µs, monotonic) */
  double   realtime;           /* s */
  double   rtf;
  gint64   status_wall;
  double   status_t;
  gint64   frame_wall;
  guint    check_every, check_countdown;
  gint64   check_wall;
  guint64  serial_done;
} Worker;

typedef struct {
  guint  id;
  char  *expr;
} MainTrace;

struct _NrtSession {
  GObject        parent_instance;

  NrtModel      *model;
  gulong         changed_id;
  GMainContext  *context;
  NrtTraceStore *store;
  NetRef        *net;        /* the main thread's view: the last network compiled */
  NrtSim        *probe;      /* a sim of net that checks trace expressions */
  GPtrArray     *traces;     /* of MainTrace * */

  Status         status;     /* as last delivered */
  guint64        serial_sent;
  Shared        *shared;
  GAsyncQueue   *queue;
  _Atomic int    n_pending;
  Frame          frame;
  Worker        *worker;
  GThread       *thread;
};

/* Registered by hand: G_DEFINE_FINAL_TYPE would name the instance initialiser
 * nrt_session_init, which is the public finitialize command. */
static gpointer nrt_session_parent_class;
static void nrt_session_class_init (NrtSessionClass *klass);
static void nrt_session_instance_init (NrtSession *self);

static void
nrt_session_class_intern_init (gpointer klass, gpointer data)
{
  (void) data;
  nrt_session_parent_class = g_type_class_peek_parent (klass);
  nrt_session_class_init (klass);
}

GType
nrt_session_get_type (void)
{
  static gsize type_id = 0;
  if (g_once_init_enter (&type_id))
    {
      GType id = g_type_register_static_simple (
        G_TYPE_OBJECT, g_intern_static_string ("NrtSession"), sizeof (NrtSessionClass),
        nrt_session_class_intern_init, sizeof (NrtSession),
        (GInstanceInitFunc) (void (*) (void)) nrt_session_instance_init, G_TYPE_FLAG_FINAL);
      g_once_init_leave (&type_id, id);
    }
  return type_id;
}

enum {
  PROP_0,
  PROP_MODEL,
  PROP_T,
  PROP_RUNNING,
  PROP_REALTIME_FACTOR,
  PROP_REALTIME,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_STATUS,
  SIGNAL_ERROR,
  SIGNAL_NETWORK_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

/* ---------------------------------------------------------------------------------- */
/* Pure decisions                                                                       */

guint
nrt_session_plot_interval_steps (double dt, double points_per_ms)
{
  if (!(dt > 0) || !(points_per_ms > 0))
    return 1;
  /* int(Dt/dt), but a dt that divides Dt up to rounding (0.025/3) counts as a divisor:
   * NEURON would have replaced dt by Dt/n at setdt(), and we do not touch dt here. */
  double n = floor ((1.0 / points_per_ms) / dt * (1.0 + 1e-9));
  return n < 1.0 ? 1 : n > (double) G_MAXUINT ? G_MAXUINT : (guint) n;
}

gint64
nrt_session_pace_delay (double model_ms_per_second, double t_anchor, gint64 wall_anchor,
                        double t_now, gint64 wall_now)
{
  if (!(model_ms_per_second > 0))
    return 0;
  double due = (double) wall_anchor
               + (t_now - t_anchor) / model_ms_per_second * (double) G_USEC_PER_SEC;
  double delay = due - (double) wall_now;
  if (delay < -(double) NRT_SESSION_PACE_SLACK_US)
    return -1;
  if (delay <= 0)
    return 0;
  return delay > (double) G_MAXINT64 / 2 ? G_MAXINT64 / 2 : (gint64) ceil (delay);
}

/* ---------------------------------------------------------------------------------- */
/* Worker                                                                               */

static void
frame_publish (Frame *frame, const NrtSim *sim, guint n_nodes, const double *values)
{
  FrameBuf *buf = atomic_load_explicit (&frame->buf, memory_order_relaxed);
  guint64 seq = atomic_load_explicit (&frame->seq, memory_order_relaxed);

  atomic_store_explicit (&frame->seq, seq + 1, memory_order_relaxed);
  atomic_thread_fence (memory_order_release);
  if (buf == NULL || buf->capacity < n_nodes)
    {
      guint cap = MAX (n_nodes, buf ? buf->capacity * 2 : 64);
      buf = g_malloc0 (sizeof (FrameBuf) + cap * sizeof (_Atomic double));
      buf->capacity = cap;
      g_ptr_array_add (frame->all, buf);
      atomic_store_explicit (&frame->buf, buf, memory_order_relaxed);
    }
  const double *v = sim ? values : NULL;
  atomic_store_explicit (&buf->n, v ? n_nodes : 0, memory_order_relaxed);
  atomic_store_explicit (&buf->t, sim ? nrt_sim_get_t (sim) : 0.0, memory_order_relaxed);
  for (guint i = 0; v != NULL && i < n_nodes; i++)
    atomic_store_explicit (&buf->v[i], v[i], memory_order_relaxed);
  atomic_store_explicit (&frame->seq, seq + 2, memory_order_release);
}

static void
worker_publish_frame (Worker *w, gint64 now)
{
  guint n = w->net ? nrt_network_get_n_nodes (w->net->net) : 0;
  const double *values = NULL;
  if (w->sim != NULL && w->frame_var == 0)
    values = nrt_sim_get_v (w->sim);
  else if (w->sim != NULL)
    {
      if (w->frame_scratch_len < n)
        {
          g_free (w->frame_scratch);
          w->frame_scratch = g_new (double, n);
          w->frame_scratch_len = n;
        }
      nrt_sim_get_node_values (w->sim, w->frame_var, w->frame_scratch);
      values = w->frame_scratch;
    }
  frame_publish (w->frame, w->sim, n, values);
  w->frame_wall = now;
}

static gboolean deliver_status (gpointer data);

/* Hands the latest status to the main context; at most one delivery is ever pending. */
static void
worker_post_status (Worker *w, gint64 now, const char *error)
{
  double t = w->sim ? nrt_sim_get_t (w->sim) : 0.0;
  if (w->running)
    w->realtime = (double) (now - w->run_wall) / G_USEC_PER_SEC;
  if (now > w->status_wall && t != w->status_t)
    w->rtf = (t - w->status_t) / ((double) (now - w->status_wall) / 1000.0);
  w->status_wall = now;
  w->status_t = t;

  Shared *sh = w->shared;
  shared_lock (&sh->lock);
  sh->latest = (Status) { t, w->running, w->rtf, w->realtime, w->serial_done };
  if (error != NULL)
    g_queue_push_tail (&sh->errors, g_strdup (error));
  if (sh->pending == NULL)
    {
      /* An idle source rather than g_main_context_invoke(): invoke would run the callback
       * right here, on the worker, whenever it can acquire a context nobody iterates. */
      sh->pending = g_idle_source_new ();
      g_source_set_priority (sh->pending, G_PRIORITY_DEFAULT);
      g_source_set_callback (sh->pending, deliver_status, g_atomic_rc_box_acquire (sh),
                             shared_unref);
      g_source_set_static_name (sh->pending, "[neurite] session status");
      g_source_attach (sh->pending, sh->context);
    }
  shared_unlock (&sh->lock);
}

static double
worker_target (const Worker *w)
{
  return w->follow_tstop ? nrt_network_get_settings (w->net->net)->tstop : w->target;
}

static void
worker_update_plot_steps (Worker *w)
{
  w->plot_steps = nrt_session_plot_interval_steps (
    nrt_sim_get_dt (w->sim), nrt_network_get_settings (w->net->net)->points_per_ms);
}

/* Plot(): one sample of every trace at t. */
static void
worker_sample (Worker *w)
{
  double t = nrt_sim_get_t (w->sim);
  for (guint i = 0; i < w->traces->len; i++)
    {
      const WorkerTrace *tr = &g_array_index (w->traces, WorkerTrace, i);
      if (tr->record >= 0)
        nrt_trace_store_append (w->store, tr->id, t,
                                nrt_sim_record_value (w->sim, (guint) tr->record));
    }
}

static void
worker_resolve_traces (Worker *w)
{
  for (guint i = 0; i < w->traces->len; i++)
    {
      WorkerTrace *tr = &g_array_index (w->traces, WorkerTrace, i);
      tr->record = w->sim ? nrt_sim_add_record (w->sim, tr->expr, NULL) : -1;
    }
}

static void
worker_finish_run (Worker *w, const char *error)
{
  gint64 now = g_get_monotonic_time ();
  if (w->running)
    w->realtime = (double) (now - w->run_wall) / G_USEC_PER_SEC;
  w->running = FALSE;
  w->stop_requested = FALSE;
  worker_publish_frame (w, now);
  worker_post_status (w, now, error);
}

/* stdinit(): finitialize, realtime = 0, traces begun again with their t = 0 sample. */
static void
worker_init (Worker *w)
{
  w->running = FALSE;
  w->stop_requested = FALSE;
  w->realtime = 0.0;
  if (w->sim == NULL)
    return;
  nrt_sim_init (w->sim);
  nrt_trace_store_begin_run (w->store);
  w->steps_since_init = 0;
  w->steps_in_interval = 0;
  worker_update_plot_steps (w);
  worker_sample (w);
}

/* continuerun(): runs until worker_target() or a number of plot intervals. */
static void
worker_start_run (Worker *w, double target, gboolean follow_tstop, gint64 intervals)
{
  if (w->sim == NULL)
    return;
  gint64 now = g_get_monotonic_time ();
  if (!w->running)
    {
      w->run_wall = now;
      w->realtime = 0.0;
      w->status_wall = now;
      w->status_t = nrt_sim_get_t (w->sim);
    }
  w->running = TRUE;
  w->stop_requested = FALSE;
  w->target = target;
  w->follow_tstop = follow_tstop;
  w->intervals_left = intervals;
  w->pace_t = nrt_sim_get_t (w->sim);
  w->pace_wall = now;
  w->check_countdown = w->check_every = 1;
  w->check_wall = now;
  worker_post_status (w, now, NULL);
}

/* A recompiled network: carried over by position when the layout is the same, otherwise
 * initialised (and a run stopped). */
static void
worker_swap (Worker *w, NetRef *ref)
{
  NetRef *old_net = w->net;
  NrtSim *old_sim = w->sim;
  gboolean carried = FALSE;

  w->net = net_ref_ref (ref);
  w->sim = ref ? nrt_sim_new (ref->net) : NULL;
  if (w->sim != NULL && old_sim != NULL && nrt_sim_transfer_state (w->sim, old_sim))
    {
      double dt_new = nrt_network_get_settings (ref->net)->dt;
      if (dt_new != nrt_network_get_settings (old_net->net)->dt)
        nrt_sim_set_dt (w->sim, dt_new);
      carried = TRUE;
    }
  nrt_sim_free (old_sim);
  net_ref_unref (old_net);
  worker_resolve_traces (w);

  if (carried)
    {
      worker_update_plot_steps (w);
      worker_publish_frame (w, g_get_monotonic_time ());
      return;
    }
  gboolean was_running = w->running;
  worker_init (w);
  if (was_running)
    worker_finish_run (w, NULL);
  else
    worker_publish_frame (w, g_get_monotonic_time ());
}

static void
worker_handle (Worker *w, Cmd *cmd)
{
  w->serial_done = cmd->serial;
  switch (cmd->kind)
    {
    case CMD_INIT:
      worker_init (w);
      break;
    case CMD_RUN:
      /* run() = stdinit(); continuerun(tstop): while running this is a restart. */
      worker_init (w);
      worker_start_run (w, 0.0, TRUE, -1);
      break;
    case CMD_CONTINUE_TIL:
      worker_start_run (w, cmd->value, FALSE, -1);
      break;
    case CMD_CONTINUE_FOR:
      if (w->sim)
        worker_start_run (w, nrt_sim_get_t (w->sim) + cmd->value, FALSE, -1);
      break;
    case CMD_SINGLE_STEP:
      worker_start_run (w, INFINITY, FALSE, 1);
      break;
    case CMD_STOP:
      if (w->running)
        w->stop_requested = TRUE;
      break;
    case CMD_SWAP:
      worker_swap (w, cmd->net);
      break;
    case CMD_PACE:
      w->pace = cmd->value;
      if (w->sim)
        w->pace_t = nrt_sim_get_t (w->sim);
      w->pace_wall = g_get_monotonic_time ();
      break;
    case CMD_ADD_TRACE:
      {
        WorkerTrace tr = { cmd->id, g_steal_pointer (&cmd->expr), -1 };
        tr.record = w->sim ? nrt_sim_add_record (w->sim, tr.expr, NULL) : -1;
        g_array_append_val (w->traces, tr);
        /* A trace added right after init gets its t = 0 sample, like the others. */
        if (tr.record >= 0 && !w->running && w->steps_since_init == 0
            && nrt_trace_store_get_length (w->store, tr.id) == 0)
          nrt_trace_store_append (w->store, tr.id, nrt_sim_get_t (w->sim),
                                  nrt_sim_record_value (w->sim, (guint) tr.record));
      }
      break;
    case CMD_REMOVE_TRACE:
      for (guint i = 0; i < w->traces->len; i++)
        if (g_array_index (w->traces, WorkerTrace, i).id == cmd->id)
          {
            g_free (g_array_index (w->traces, WorkerTrace, i).expr);
            g_array_remove_index (w->traces, i);
            break;
          }
      break;
    case CMD_FRAME_VARIABLE:
      w->frame_var = (int) cmd->value;
      break;
    case CMD_QUIT:
      w->quit = TRUE;
      w->running = FALSE;
      break;
    default:
      g_assert_not_reached ();
    }
  if (!w->running && !w->quit)
    {
      gint64 now = g_get_monotonic_time ();
      worker_publish_frame (w, now);
      worker_post_status (w, now, NULL);
    }
}

/* Clock reads cost ~20 ns, a small model's step ~100 ns: the clock is read every
 * check_every steps, adapted so that reads come about every 1–4 ms. */
static void
worker_tick (Worker *w)
{
  if (--w->check_countdown > 0)
    return;
  gint64 now = g_get_monotonic_time ();
  gint64 elapsed = now - w->check_wall;
  w->check_wall = now;
  if (elapsed < 1000 && w->check_every < (1u << 16))
    w->check_every *= 2;
  else if (elapsed > 4000 && w->check_every > 1)
    w->check_every /= 2;
  w->check_countdown = w->check_every;
  if (now - w->frame_wall >= FRAME_INTERVAL_US)
    worker_publish_frame (w, now);
  if (now - w->status_wall >= STATUS_INTERVAL_US)
    worker_post_status (w, now, NULL);
}

/* One fixed step of a run, with stdrun's loop test at every plot interval boundary; or,
 * when pacing says wait, a wait on the queue that a command cuts short. */
static void
worker_advance (Worker *w)
{
  if (w->steps_in_interval == 0)
    {
      if (w->stop_requested || w->intervals_left == 0
          || nrt_sim_reached (w->sim, worker_target (w)))
        {
          worker_finish_run (w, NULL);
          return;
        }
      if (w->pace > 0)
        {
          gint64 now = g_get_monotonic_time ();
          gint64 delay = nrt_session_pace_delay (w->pace, w->pace_t, w->pace_wall,
                                                 nrt_sim_get_t (w->sim), now);
          if (delay < 0)
            {
              w->pace_t = nrt_sim_get_t (w->sim);
              w->pace_wall = now;
            }
          else if (delay > 0)
            {
              /* Sleep on the queue, so that a command ends the wait at once. */
              Cmd *cmd = queue_pop (w->queue, delay);
              if (cmd != NULL)
                {
                  atomic_fetch_sub (w->n_pending, 1);
                  worker_handle (w, cmd);
                  cmd_free (cmd);
                }
              else
                worker_tick (w);
              return;
            }
        }
    }

  g_autoptr (GError) error = NULL;
  if (!nrt_sim_step (w->sim, &error))
    {
      worker_finish_run (w, error->message);
      return;
    }
  w->steps_since_init++;
  if (++w->steps_in_interval >= w->plot_steps)
    {
      w->steps_in_interval = 0;
      worker_sample (w);
      if (w->intervals_left > 0)
        w->intervals_left--;
    }
  worker_tick (w);
}

static gpointer
worker_main (gpointer data)
{
  Worker *w = data;

  while (!w->quit)
    {
      Cmd *cmd = NULL;
      if (!w->running)
        cmd = queue_pop (w->queue, -1);
      else if (atomic_load_explicit (w->n_pending, memory_order_relaxed) > 0)
        cmd = queue_pop (w->queue, 0);
      if (cmd != NULL)
        {
          atomic_fetch_sub (w->n_pending, 1);
          worker_handle (w, cmd);
          cmd_free (cmd);
          continue;
        }
      if (w->running)
        worker_advance (w);
    }
  return NULL;
}

static void
worker_free (Worker *w)
{
  for (guint i = 0; i < w->traces->len; i++)
    g_free (g_array_index (w->traces, WorkerTrace, i).expr);
  g_array_unref (w->traces);
  g_free (w->frame_scratch);
  nrt_sim_free (w->sim);
  net_ref_unref (w->net);
  g_free (w);
}

/* ---------------------------------------------------------------------------------- */
/* Main thread                                                                          */

static void
set_double_prop (NrtSession *self, double *field, double value, guint prop, gboolean *changed)
{
  if (*field == value)
    return;
  *field = value;
  *changed = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static gboolean
deliver_status (gpointer data)
{
  Shared *sh = data;
  Status st;
  GQueue errors = G_QUEUE_INIT;

  shared_lock (&sh->lock);
  st = sh->latest;
  errors = sh->errors;
  g_queue_init (&sh->errors);
  g_clear_pointer (&sh->pending, g_source_unref);
  shared_unlock (&sh->lock);

  NrtSession *self = sh->session;
  if (self != NULL)
    {
      g_object_ref (self);
      g_object_freeze_notify (G_OBJECT (self));
      gboolean changed = FALSE;
      self->status.serial_done = st.serial_done;
      set_double_prop (self, &self->status.t, st.t, PROP_T, &changed);
      set_double_prop (self, &self->status.realtime_factor, st.realtime_factor,
                       PROP_REALTIME_FACTOR, &changed);
      gboolean dummy = FALSE;
      set_double_prop (self, &self->status.realtime, st.realtime, PROP_REALTIME, &dummy);
      if (self->status.running != st.running)
        {
          self->status.running = st.running;
          changed = TRUE;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
        }
      g_object_thaw_notify (G_OBJECT (self));
      /* ::status also after the last command's status, so that waiters can look at busy. */
      if (changed || st.serial_done == self->serial_sent)
        g_signal_emit (self, signals[SIGNAL_STATUS], 0);
      for (GList *l = errors.head; l != NULL; l = l->next)
        g_signal_emit (self, signals[SIGNAL_ERROR], 0, (const char *) l->data);
      g_object_unref (self);
    }
  g_queue_clear_full (&errors, g_free);
  return G_SOURCE_REMOVE;
}

static void
send (NrtSession *self, Cmd *cmd)
{
  cmd->serial = ++self->serial_sent;
  /* Counted before it is queued, so the worker never sees a command it was not told of. */
  atomic_fetch_add (&self->n_pending, 1);
  TSAN_RELEASE (cmd);
  if (cmd->kind == CMD_QUIT)
    g_async_queue_push_front (self->queue, cmd);
  else
    g_async_queue_push (self->queue, cmd);
}

static void
send_simple (NrtSession *self, CmdKind kind, double value)
{
  Cmd *cmd = g_new0 (Cmd, 1);
  cmd->kind = kind;
  cmd->value = value;
  send (self, cmd);
}

/* Compiles the model as it is now.  TODO: compile a big model in a GTask (STYLE.md §7) and
 * coalesce edits that arrive while it compiles; the models we ship compile in well under
 * a millisecond, and compiling here keeps an edit ordered before the commands that follow. */
static NetRef *
compile_model (NrtSession *self)
{
  g_autoptr (GError) error = NULL;
  NrtNetwork *net = nrt_network_compile (self->model, &error);
  if (net == NULL)
    {
      g_debug ("session: the model does not compile: %s", error->message);
      return NULL;
    }
  return net_ref_new (net);
}

static void
set_network (NrtSession *self, NetRef *ref)
{
  g_clear_pointer (&self->probe, nrt_sim_free);
  net_ref_unref (self->net);
  self->net = ref;
  if (ref != NULL)
    self->probe = nrt_sim_new (ref->net);
}

static void
on_model_changed (NrtModel *model, const NrtChange *change, NrtSession *self)
{
  (void) model;
  if (change != NULL && change->kind == NRT_CHANGE_VIEW)
    return;

  set_network (self, compile_model (self));
  Cmd *cmd = g_new0 (Cmd, 1);
  cmd->kind = CMD_SWAP;
  cmd->net = net_ref_ref (self->net);
  send (self, cmd);
  g_signal_emit (self, signals[SIGNAL_NETWORK_CHANGED], 0);
}

static void
nrt_session_constructed (GObject *object)
{
  NrtSession *self = NRT_SESSION (object);
  G_OBJECT_CLASS (nrt_session_parent_class)->constructed (object);
  g_assert (self->model != NULL);

  self->context = g_main_context_ref_thread_default ();
  self->store = nrt_trace_store_new ();
  self->traces = g_ptr_array_new ();
  self->queue = g_async_queue_new ();
  self->frame.all = g_ptr_array_new_with_free_func (g_free);

  self->shared = g_atomic_rc_box_new0 (Shared);
  g_mutex_init (&self->shared->lock);
  g_queue_init (&self->shared->errors);
  self->shared->context = g_main_context_ref (self->context);
  self->shared->session = self;

  set_network (self, compile_model (self));

  Worker *w = g_new0 (Worker, 1);
  w->queue = self->queue;
  w->n_pending = &self->n_pending;
  w->store = self->store;
  w->shared = self->shared;
  w->frame = &self->frame;
  w->traces = g_array_new (FALSE, FALSE, sizeof (WorkerTrace));
  w->net = net_ref_ref (self->net);
  w->sim = self->net ? nrt_sim_new (self->net->net) : NULL;
  w->check_every = w->check_countdown = 1;
  if (w->sim != NULL)
    worker_update_plot_steps (w);
  worker_publish_frame (w, g_get_monotonic_time ());
  self->worker = w;

  self->changed_id = g_signal_connect (self->model, "changed", G_CALLBACK (on_model_changed),
                                       self);
  self->thread = g_thread_new ("nrt-session", worker_main, w);
}

static void
nrt_session_dispose (GObject *object)
{
  NrtSession *self = NRT_SESSION (object);

  if (self->thread != NULL)
    {
      send_simple (self, CMD_QUIT, 0.0);
      g_thread_join (g_steal_pointer (&self->thread));
      g_clear_pointer (&self->worker, worker_free);
    }
  if (self->shared != NULL)
    {
      shared_lock (&self->shared->lock);
      self->shared->session = NULL;
      if (self->shared->pending != NULL)
        {
          GSource *src = g_steal_pointer (&self->shared->pending);
          shared_unlock (&self->shared->lock);
          g_source_destroy (src);   /* drops its reference on shared */
          g_source_unref (src);
        }
      else
        shared_unlock (&self->shared->lock);
      g_clear_pointer (&self->shared, shared_unref);
    }
  if (self->changed_id != 0)
    g_clear_signal_handler (&self->changed_id, self->model);
  g_clear_object (&self->model);
  G_OBJECT_CLASS (nrt_session_parent_class)->dispose (object);
}

static void
main_trace_free (gpointer data)
{
  MainTrace *tr = data;
  g_free (tr->expr);
  g_free (tr);
}

static void
nrt_session_finalize (GObject *object)
{
  NrtSession *self = NRT_SESSION (object);

  if (self->queue != NULL)
    {
      Cmd *cmd;
      while ((cmd = g_async_queue_try_pop (self->queue)) != NULL)
        cmd_free (cmd);
      g_async_queue_unref (self->queue);
    }
  set_network (self, NULL);
  g_ptr_array_set_free_func (self->traces, main_trace_free);
  g_ptr_array_unref (self->traces);
  g_ptr_array_unref (self->frame.all);
  nrt_trace_store_unref (self->store);
  g_main_context_unref (self->context);
  G_OBJECT_CLASS (nrt_session_parent_class)->finalize (object);
}

static void
nrt_session_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  NrtSession *self = NRT_SESSION (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    case PROP_T:
      g_value_set_double (value, self->status.t);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->status.running);
      break;
    case PROP_REALTIME_FACTOR:
      g_value_set_double (value, self->status.realtime_factor);
      break;
    case PROP_REALTIME:
      g_value_set_double (value, self->status.realtime);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nrt_session_set_property (GObject *object, guint prop_id, const GValue *value,
                          GParamSpec *pspec)
{
  NrtSession *self = NRT_SESSION (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      self->model = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nrt_session_class_init (NrtSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = nrt_session_constructed;
  object_class->dispose = nrt_session_dispose;
  object_class->finalize = nrt_session_finalize;
  object_class->get_property = nrt_session_get_property;
  object_class->set_property = nrt_session_set_property;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, NRT_TYPE_MODEL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* Model time, ms. */
  properties[PROP_T] =
    g_param_spec_double ("t", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Model ms per wall-clock ms over the last status interval. */
  properties[PROP_REALTIME_FACTOR] =
    g_param_spec_double ("realtime-factor", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Wall-clock seconds of the current or last run. */
  properties[PROP_REALTIME] =
    g_param_spec_double ("realtime", NULL, NULL, 0.0, G_MAXDOUBLE, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_STATUS] =
    g_signal_new ("status", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIGNAL_NETWORK_CHANGED] =
    g_signal_new ("network-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 0);
}

static void
nrt_session_instance_init (NrtSession *self)
{
  atomic_init (&self->n_pending, 0);
  atomic_init (&self->frame.seq, 0);
  atomic_init (&self->frame.buf, NULL);
}

/* ---------------------------------------------------------------------------------- */
/* Public API                                                                           */

NrtSession *
nrt_session_new (NrtModel *model)
{
  g_return_val_if_fail (NRT_IS_MODEL (model), NULL);
  return g_object_new (NRT_TYPE_SESSION, "model", model, NULL);
}

NrtModel *
nrt_session_get_model (NrtSession *self)
{
  g_return_val_if_fail (NRT_IS_SESSION (self), NULL);
  return self->model;
}

void
nrt_session_init (NrtSession *self)
{
  g_return_if_fail (NRT_IS_SESSION (self));
  send_simple (self, CMD_INIT, 0.0);
}

void
nrt_session_run (NrtSession *self)
{
  g_return_if_fail (NRT_IS_SESSION (self));
  send_simple (self, CMD_RUN, 0.0);
}

void
nrt_session_continue_til (NrtSession *self, double t_stop)
{
  g_return_if_fail (NRT_IS_SESSION (self));
  g_return_if_fail (!isnan (t_stop));
  send_simple (self, CMD_CONTINUE_TIL, t_stop);
}

void
nrt_session_continue_for (NrtSession *self, double duration)
{
  g_return_if_fail (NRT_IS_SESSION (self));
  g_return_if_fail (!isnan (duration));
  send_simple (self, CMD_CONTINUE_FOR, duration);
}

void
nrt_session_single_step (NrtSession *self)
{
  g_return_if_fail (NRT_IS_SESSION (self));
  send_simple (self, CMD_SINGLE_STEP, 0.0);
}

void
nrt_session_stop (NrtSession *self)
{
  g_return_if_fail (NRT_IS_SESSION (self));
  send_simple (self, CMD_STOP, 0.0);
}

void
nrt_session_set_pace (NrtSession *self, double model_ms_per_second)
{
  g_return_if_fail (NRT_IS_SESSION (self));
  g_return_if_fail (model_ms_per_second >= 0 && isfinite (model_ms_per_second));
  send_simple (self, CMD_PACE, model_ms_per_second);
}

int
nrt_session_add_trace (NrtSession *self, const char *expr, GError **error)
{
  g_return_val_if_fail (NRT_IS_SESSION (self), -1);
  g_return_val_if_fail (expr != NULL, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  if (self->probe == NULL)
    {
      g_set_error (error, NRT_SIM_ERROR, NRT_SIM_ERROR_EMPTY_MODEL,
                   "Cannot record “%s”: the model has nothing to simulate", expr);
      return -1;
    }
  if (nrt_sim_add_record (self->probe, expr, error) < 0)
    return -1;

  MainTrace *tr = g_new0 (MainTrace, 1);
  tr->id = nrt_trace_store_add_trace (self->store);
  tr->expr = g_strdup (expr);
  g_ptr_array_add (self->traces, tr);

  Cmd *cmd = g_new0 (Cmd, 1);
  cmd->kind = CMD_ADD_TRACE;
  cmd->id = tr->id;
  cmd->expr = g_strdup (expr);
  send (self, cmd);
  return (int) tr->id;
}

void
nrt_session_remove_trace (NrtSession *self, guint trace)
{
  g_return_if_fail (NRT_IS_SESSION (self));

  for (guint i = 0; i < self->traces->len; i++)
    {
      MainTrace *tr = g_ptr_array_index (self->traces, i);
      if (tr->id != trace)
        continue;
      main_trace_free (g_ptr_array_steal_index (self->traces, i));
      Cmd *cmd = g_new0 (Cmd, 1);
      cmd->kind = CMD_REMOVE_TRACE;
      cmd->id = trace;
      send (self, cmd);
      return;
    }
}

NrtTraceStore *
nrt_session_get_trace_store (NrtSession *self)
{
  g_return_val_if_fail (NRT_IS_SESSION (self), NULL);
  return self->store;
}

static void
add_if_recordable (GPtrArray *out, NrtSim *probe, char *expr)
{
  if (nrt_sim_add_record (probe, expr, NULL) >= 0)
    g_ptr_array_add (out, expr);
  else
    g_free (expr);
}

char **
nrt_session_list_recordables (NrtSession *self)
{
  g_return_val_if_fail (NRT_IS_SESSION (self), NULL);

  GPtrArray *out = g_ptr_array_new ();
  if (self->net != NULL)
    {
      static const char *const centre_vars[] = {
        "v", "m_hh", "h_hh", "n_hh", "ina", "ik", "ica", "il_hh", "gna_hh", "gk_hh", "i_pas",
        "i_cap", "i_membrane",
      };
      static const char *const pp_vars[] = { "i", "g", "A", "B" };
      const NrtNetwork *net = self->net->net;
      /* A throw-away sim, so that what is listed is exactly what nrt_sim_add_record takes. */
      g_autoptr (NrtSim) probe = nrt_sim_new (net);

      for (guint is = 0; is < net->n_sections; is++)
        {
          const NrtNetSection *s = &net->sections[is];
          add_if_recordable (out, probe, g_strdup_printf ("%s(0).v", s->name));
          for (guint iseg = 0; iseg < s->nseg; iseg++)
            {
              char x[G_ASCII_DTOSTR_BUF_SIZE];
              /* NEURON prints positions with %g: "dend(0.0357143)" */
              g_ascii_formatd (x, sizeof x, "%g", (iseg + 0.5) / s->nseg);
              for (guint j = 0; j < G_N_ELEMENTS (centre_vars); j++)
                add_if_recordable (out, probe,
                                   g_strdup_printf ("%s(%s).%s", s->name, x, centre_vars[j]));
              /* ChannelBuilder channels: states, g and i (<state>_<chan>, g_<chan>, ...). */
              for (guint c = 0; s->chan >= 0 && c < s->n_chan; c++)
                {
                  const NrtNetChannel *t =
                    &net->chan_types[net->chan_type[(guint) s->chan + iseg * s->n_chan + c]];
                  for (guint j = 0; j < t->n_states; j++)
                    add_if_recordable (out, probe, g_strdup_printf ("%s(%s).%s_%s", s->name, x,
                                                                    t->state_names[j], t->name));
                  add_if_recordable (out, probe,
                                     g_strdup_printf ("%s(%s).g_%s", s->name, x, t->name));
                  add_if_recordable (out, probe,
                                     g_strdup_printf ("%s(%s).i_%s", s->name, x, t->name));
                }
            }
          add_if_recordable (out, probe, g_strdup_printf ("%s(1).v", s->name));
        }
      /* The clamps' and APCount's own variables (their parameters are not listed). */
      static const char *const seclamp_vars[] = { "vc", NULL };
      static const char *const vclamp_vars[] = { "vo", "vi", "e", "stim", NULL };
      static const char *const apcount_vars[] = { "n", "time", "firing", NULL };
      for (guint p = 0; p < net->n_pp; p++)
        {
          NrtPointProcessType type = net->pp_type[p];
          const char *const *extra = type == NRT_PP_SECLAMP ? seclamp_vars
                                     : type == NRT_PP_VCLAMP ? vclamp_vars
                                     : type == NRT_PP_APCOUNT ? apcount_vars : NULL;
          for (guint j = 0; j < G_N_ELEMENTS (pp_vars); j++)
            add_if_recordable (out, probe, g_strdup_printf ("%s.%s", net->pp_name[p], pp_vars[j]));
          for (guint j = 0; extra && extra[j]; j++)
            add_if_recordable (out, probe, g_strdup_printf ("%s.%s", net->pp_name[p], extra[j]));
          /* a point channel's states by plain name ("myK[0].O") */
          for (guint k = net->n_chan_density; type == NRT_PP_CHANNEL && k < net->n_chan; k++)
            if (net->chan_pp[k] == (int) p)
              {
                const NrtNetChannel *t = &net->chan_types[net->chan_type[k]];
                for (guint j = 0; j < t->n_states; j++)
                  add_if_recordable (out, probe, g_strdup_printf ("%s.%s", net->pp_name[p],
                                                                  t->state_names[j]));
              }
        }
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

double
nrt_session_get_t (NrtSession *self)
{
  g_return_val_if_fail (NRT_IS_SESSION (self), 0.0);
  return self->status.t;
}

gboolean
nrt_session_get_running (NrtSession *self)
{
  g_return_val_if_fail (NRT_IS_SESSION (self), FALSE);
  return self->status.running;
}

double
nrt_session_get_realtime_factor (NrtSession *self)
{
  g_return_val_if_fail (NRT_IS_SESSION (self), 0.0);
  return self->status.realtime_factor;
}

double
nrt_session_get_realtime (NrtSession *self)
{
  g_return_val_if_fail (NRT_IS_SESSION (self), 0.0);
  return self->status.realtime;
}

gboolean
nrt_session_get_busy (NrtSession *self)
{
  g_return_val_if_fail (NRT_IS_SESSION (self), FALSE);
  return self->status.running || self->status.serial_done != self->serial_sent;
}

guint64
nrt_session_read_frame (NrtSession *self, double *v, guint n_nodes, double *t)
{
  g_return_val_if_fail (NRT_IS_SESSION (self), 0);
  g_return_val_if_fail (v != NULL || n_nodes == 0, 0);
  Frame *frame = &self->frame;

  for (;;)
    {
      guint64 s1 = atomic_load_explicit (&frame->seq, memory_order_acquire);
      if (s1 == 0)
        return 0;
      if (s1 & 1)
        {
          g_thread_yield ();   /* the worker is writing a few thousand doubles */
          continue;
        }
      FrameBuf *buf = atomic_load_explicit (&frame->buf, memory_order_relaxed);
      guint n = atomic_load_explicit (&buf->n, memory_order_relaxed);
      double ft = atomic_load_explicit (&buf->t, memory_order_relaxed);
      gboolean fits = n == n_nodes && n > 0;
      for (guint i = 0; fits && i < n; i++)
        v[i] = atomic_load_explicit (&buf->v[i], memory_order_relaxed);
      atomic_thread_fence (memory_order_acquire);
      if (atomic_load_explicit (&frame->seq, memory_order_relaxed) != s1)
        continue;
      if (!fits)
        return 0;
      if (t != NULL)
        *t = ft;
      return s1 / 2;
    }
}

gboolean
nrt_session_set_frame_variable (NrtSession *self, const char *var, GError **error)
{
  g_return_val_if_fail (NRT_IS_SESSION (self), FALSE);
  g_return_val_if_fail (var != NULL, FALSE);
  int id = nrt_node_variable_lookup (var);
  if (id < 0)
    {
      g_set_error (error, NRT_SIM_ERROR, NRT_SIM_ERROR_BAD_RECORD,
                   "“%s” is not a range variable a shape or space plot can show", var);
      return FALSE;
    }
  send_simple (self, CMD_FRAME_VARIABLE, (double) id);
  return TRUE;
}

const NrtNetwork *
nrt_session_get_network (NrtSession *self)
{
  g_return_val_if_fail (NRT_IS_SESSION (self), NULL);
  return self->net ? self->net->net : NULL;
}
