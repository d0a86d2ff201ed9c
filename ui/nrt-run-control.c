/* nrt-run-control.c: NEURON's RunControl panel over the main window's live session.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every setting is edited through nrt_model_set_settings(), so it is one undo step and the
 * session picks it up at the next step boundary.  Continue til and Continue for keep their
 * values in the panel, as NEURON's runStopAt and runStopIn do.
 */
#include "nrt-ui-config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "nrt-run-control.h"

struct _NrtRunControl
{
  AdwWindow       parent_instance;

  NrtWindow      *main_window;   /* weak */
  NrtModel       *model;
  NrtSession     *session;
  gulong          changed_id;
  gulong          status_id;
  char           *dt_note_text;

  /* template children */
  GtkLabel       *state_label;
  GtkLabel       *big_time_label;
  GtkProgressBar *progress;
  GtkLabel       *speed_label;
  NrtNumberEntry *v_init_entry;
  NrtNumberEntry *continue_til_entry;
  NrtNumberEntry *continue_for_entry;
  NrtNumberEntry *t_entry;
  NrtNumberEntry *tstop_entry;
  NrtNumberEntry *dt_entry;
  NrtNumberEntry *points_entry;
  NrtNumberEntry *realtime_entry;
  GtkDropDown    *method_dropdown;
  GtkRevealer    *dt_revealer;
  GtkLabel       *dt_note;
};

G_DEFINE_FINAL_TYPE (NrtRunControl, nrt_run_control, ADW_TYPE_WINDOW)

double
nrt_run_control_coupled_dt (double dt,
                            double points_per_ms)
{
  double Dt = 1.0 / points_per_ms;
  double n = floor (Dt / dt);

  if (n < 1.0)
    n = 1.0;
  if (fabs (dt * n * points_per_ms - 1.0) > 1e-6)
    return Dt / n;
  return dt;
}

/* ---- model → fields ---- */

static void
nrt_run_control_update_settings (NrtRunControl *self)
{
  const NrtRunSettings *s = &nrt_model_get_data (self->model)->settings;

  nrt_number_entry_set_value (self->v_init_entry, s->v_init);
  nrt_number_entry_set_value (self->tstop_entry, s->tstop);
  nrt_number_entry_set_value (self->dt_entry, s->dt);
  nrt_number_entry_set_value (self->points_entry, s->points_per_ms);
  if (gtk_drop_down_get_selected (self->method_dropdown) != (guint) (s->method == NRT_METHOD_CN))
    gtk_drop_down_set_selected (self->method_dropdown, s->method == NRT_METHOD_CN ? 1 : 0);
}

static void
nrt_run_control_update_status (NrtRunControl *self)
{
  gboolean running = nrt_session_get_running (self->session);
  double t = nrt_session_get_t (self->session);
  double tstop = nrt_model_get_data (self->model)->settings.tstop;
  double factor = nrt_session_get_realtime_factor (self->session);
  g_autofree char *time_text = NULL;
  g_autofree char *speed = NULL;

  gtk_label_set_text (self->state_label, running ? _("Running") : _("Stopped"));
  if (running)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "running");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "running");

  /* Translators: the simulation time in the RunControl's status card */
  time_text = g_strdup_printf (_("t = %.3f ms"), t);
  gtk_label_set_text (self->big_time_label, time_text);
  gtk_progress_bar_set_fraction (self->progress, tstop > 0 ? CLAMP (t / tstop, 0.0, 1.0) : 0.0);

  nrt_number_entry_set_value (self->t_entry, round (t * 1e9) / 1e9);
  nrt_number_entry_set_value (self->realtime_entry,
                              round (nrt_session_get_realtime (self->session) * 1000) / 1000);

  if (factor > 0.0)
    /* Translators: model time per wall-clock time, e.g. "12.5 × real time" */
    speed = g_strdup_printf (_("%.3g × real time"), factor);
  else
    speed = g_strdup (" ");
  gtk_label_set_text (self->speed_label, speed);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "rc.stop", running);
}

/* ---- fields → model ---- */

static gboolean
nrt_run_control_apply (NrtRunControl        *self,
                       const NrtRunSettings *settings,
                       NrtNumberEntry       *entry)
{
  g_autoptr(GError) error = NULL;

  if (!nrt_model_set_settings (self->model, settings, &error))
    {
      if (entry != NULL)
        nrt_number_entry_reject (entry, error->message);
      else if (self->main_window != NULL)
        nrt_window_show_error (self->main_window, error->message);
      nrt_run_control_update_settings (self);
      return FALSE;
    }
  return TRUE;
}

static void
nrt_run_control_show_dt_note (NrtRunControl *self,
                              double         asked,
                              double         dt,
                              double         points_per_ms)
{
  g_autofree char *text = NULL;

  g_clear_pointer (&self->dt_note_text, g_free);
  if (asked == dt)
    {
      gtk_revealer_set_reveal_child (self->dt_revealer, FALSE);
      return;
    }

  /* Translators: NEURON's setdt(): dt must divide the plot interval 1/(Points plotted/ms) */
  text = g_strdup_printf (_("dt was adjusted to %g ms so that it divides the plot interval "
                            "%g ms (1 / Points plotted/ms)."), dt, 1.0 / points_per_ms);
  self->dt_note_text = g_strdup (text);
  gtk_label_set_text (self->dt_note, text);
  gtk_revealer_set_reveal_child (self->dt_revealer, TRUE);
}

static void
on_v_init_committed (NrtRunControl *self,
                     double         value)
{
  NrtRunSettings s = nrt_model_get_data (self->model)->settings;

  s.v_init = value;
  nrt_run_control_apply (self, &s, self->v_init_entry);
}

static void
on_tstop_committed (NrtRunControl *self,
                    double         value)
{
  NrtRunSettings s = nrt_model_get_data (self->model)->settings;

  s.tstop = value;
  nrt_run_control_apply (self, &s, self->tstop_entry);
}

/* dt and Points plotted/ms are coupled by setdt(); the note says when dt moved. */
static void
nrt_run_control_set_dt (NrtRunControl  *self,
                        double          dt,
                        double          points_per_ms,
                        NrtNumberEntry *entry)
{
  NrtRunSettings s = nrt_model_get_data (self->model)->settings;
  double coupled = nrt_run_control_coupled_dt (dt, points_per_ms);

  s.dt = coupled;
  s.points_per_ms = points_per_ms;
  if (nrt_run_control_apply (self, &s, entry))
    {
      nrt_run_control_show_dt_note (self, dt, coupled, points_per_ms);
      /* The model may not have changed (dt moved back to what it was): show it anyway. */
      nrt_number_entry_set_value (self->dt_entry, coupled);
    }
}

static void
on_dt_committed (NrtRunControl *self,
                 double         value)
{
  nrt_run_control_set_dt (self, value, nrt_model_get_data (self->model)->settings.points_per_ms,
                          self->dt_entry);
}

static void
on_points_committed (NrtRunControl *self,
                     double         value)
{
  nrt_run_control_set_dt (self, nrt_model_get_data (self->model)->settings.dt, value,
                          self->points_entry);
}

static void
on_method_selected (NrtRunControl *self)
{
  NrtRunSettings s = nrt_model_get_data (self->model)->settings;
  NrtMethod method = gtk_drop_down_get_selected (self->method_dropdown) == 1
                     ? NRT_METHOD_CN : NRT_METHOD_IMPLICIT;

  if (s.method == method)
    return;
  s.method = method;
  nrt_run_control_apply (self, &s, NULL);
}

static void
on_dt_note_dismiss (NrtRunControl *self)
{
  gtk_revealer_set_reveal_child (self->dt_revealer, FALSE);
  g_clear_pointer (&self->dt_note_text, g_free);
}

/* ---- actions ---- */

static void
action_init (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  NrtRunControl *self = NRT_RUN_CONTROL (widget);
  GtkEditable *editable = nrt_number_entry_get_editable (self->v_init_entry);

  /* The button accepts what is typed beside it first, as NEURON's "Init (mV) ↵" does. */
  if (!nrt_number_entry_commit_text (self->v_init_entry, gtk_editable_get_text (editable)))
    return;
  nrt_session_init (self->session);
}

static void
action_init_run (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  nrt_session_run (NRT_RUN_CONTROL (widget)->session);
}

static void
action_stop (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  nrt_session_stop (NRT_RUN_CONTROL (widget)->session);
}

static void
action_continue_til (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  NrtRunControl *self = NRT_RUN_CONTROL (widget);
  GtkEditable *editable = nrt_number_entry_get_editable (self->continue_til_entry);

  if (!nrt_number_entry_commit_text (self->continue_til_entry, gtk_editable_get_text (editable)))
    return;
  nrt_session_continue_til (self->session, nrt_number_entry_get_value (self->continue_til_entry));
}

static void
action_continue_for (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  NrtRunControl *self = NRT_RUN_CONTROL (widget);
  GtkEditable *editable = nrt_number_entry_get_editable (self->continue_for_entry);

  if (!nrt_number_entry_commit_text (self->continue_for_entry, gtk_editable_get_text (editable)))
    return;
  nrt_session_continue_for (self->session, nrt_number_entry_get_value (self->continue_for_entry));
}

static void
action_single_step (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  nrt_session_single_step (NRT_RUN_CONTROL (widget)->session);
}

/* ---- GObject ---- */

static void
nrt_run_control_dispose (GObject *object)
{
  NrtRunControl *self = NRT_RUN_CONTROL (object);

  if (self->model != NULL)
    g_clear_signal_handler (&self->changed_id, self->model);
  if (self->session != NULL)
    g_clear_signal_handler (&self->status_id, self->session);
  g_clear_object (&self->model);
  g_clear_object (&self->session);
  g_clear_weak_pointer (&self->main_window);
  g_clear_pointer (&self->dt_note_text, g_free);

  gtk_widget_dispose_template (GTK_WIDGET (self), NRT_TYPE_RUN_CONTROL);

  G_OBJECT_CLASS (nrt_run_control_parent_class)->dispose (object);
}

static void
nrt_run_control_class_init (NrtRunControlClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nrt_run_control_dispose;

  g_type_ensure (NRT_TYPE_NUMBER_ENTRY);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/neurite/Neurite/ui/nrt-run-control.ui");
  gtk_widget_class_bind_template_child (widget_class, NrtRunControl, state_label);
  gtk_widget_class_bind_template_child (widget_class, NrtRunControl, big_time_label);
  gtk_widget_class_bind_template_child (widget_class, NrtRunControl, progress);
  gtk_widget_class_bind_template_child (widget_class, NrtRunControl, speed_label);
  gtk_widget_class_bind_template_child (widget_class, NrtRunControl, v_init_entry);
  gtk_widget_class_bind_template_child (widget_class, NrtRunControl, continue_til_entry);
  gtk_widget_class_bind_template_child (widget_class, NrtRunControl, continue_for_entry);
  gtk_widget_class_bind_template_child (widget_class, NrtRunControl, t_entry);
  gtk_widget_class_bind_template_child (widget_class, NrtRunControl, tstop_entry);
  gtk_widget_class_bind_template_child (widget_class, NrtRunControl, dt_entry);
  gtk_widget_class_bind_template_child (widget_class, NrtRunControl, points_entry);
  gtk_widget_class_bind_template_child (widget_class, NrtRunControl, realtime_entry);
  gtk_widget_class_bind_template_child (widget_class, NrtRunControl, method_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NrtRunControl, dt_revealer);
  gtk_widget_class_bind_template_child (widget_class, NrtRunControl, dt_note);
  gtk_widget_class_bind_template_callback (widget_class, on_dt_note_dismiss);

  gtk_widget_class_install_action (widget_class, "rc.init", NULL, action_init);
  gtk_widget_class_install_action (widget_class, "rc.init-run", NULL, action_init_run);
  gtk_widget_class_install_action (widget_class, "rc.stop", NULL, action_stop);
  gtk_widget_class_install_action (widget_class, "rc.continue-til", NULL, action_continue_til);
  gtk_widget_class_install_action (widget_class, "rc.continue-for", NULL, action_continue_for);
  gtk_widget_class_install_action (widget_class, "rc.single-step", NULL, action_single_step);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
}

static void
nrt_run_control_init (NrtRunControl *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  nrt_number_entry_set_range (self->dt_entry, 0.0, 1e9, TRUE);
  nrt_number_entry_set_range (self->points_entry, 0.0, 1e6, TRUE);
  nrt_number_entry_set_range (self->tstop_entry, 0.0, 1e9, FALSE);
  nrt_number_entry_set_range (self->v_init_entry, -1000.0, 1000.0, FALSE);
  nrt_number_entry_set_digits (self->t_entry, 9);

  g_signal_connect_swapped (self->v_init_entry, "value-committed",
                            G_CALLBACK (on_v_init_committed), self);
  g_signal_connect_swapped (self->tstop_entry, "value-committed",
                            G_CALLBACK (on_tstop_committed), self);
  g_signal_connect_swapped (self->dt_entry, "value-committed",
                            G_CALLBACK (on_dt_committed), self);
  g_signal_connect_swapped (self->points_entry, "value-committed",
                            G_CALLBACK (on_points_committed), self);
}

GtkWindow *
nrt_run_control_new (NrtWindow *main_window)
{
  NrtRunControl *self;

  g_return_val_if_fail (NRT_IS_WINDOW (main_window), NULL);

  self = g_object_new (NRT_TYPE_RUN_CONTROL, NULL);
  g_set_weak_pointer (&self->main_window, main_window);
  self->model = g_object_ref (nrt_window_get_model (main_window));
  self->session = g_object_ref (nrt_window_get_session (main_window));

  self->changed_id = g_signal_connect_swapped (self->model, "changed",
                                               G_CALLBACK (nrt_run_control_update_settings),
                                               self);
  self->status_id = g_signal_connect_swapped (self->session, "status",
                                              G_CALLBACK (nrt_run_control_update_status), self);
  nrt_run_control_update_settings (self);
  nrt_run_control_update_status (self);
  g_signal_connect_swapped (self->method_dropdown, "notify::selected",
                            G_CALLBACK (on_method_selected), self);

  nrt_window_add_tool (main_window, GTK_WINDOW (self));
  return GTK_WINDOW (self);
}

NrtNumberEntry *
nrt_run_control_get_field (NrtRunControl *self,
                           const char    *name)
{
  static const struct { const char *name; gsize offset; } fields[] = {
    { "v_init", G_STRUCT_OFFSET (NrtRunControl, v_init_entry) },
    { "runStopAt", G_STRUCT_OFFSET (NrtRunControl, continue_til_entry) },
    { "runStopIn", G_STRUCT_OFFSET (NrtRunControl, continue_for_entry) },
    { "t", G_STRUCT_OFFSET (NrtRunControl, t_entry) },
    { "tstop", G_STRUCT_OFFSET (NrtRunControl, tstop_entry) },
    { "dt", G_STRUCT_OFFSET (NrtRunControl, dt_entry) },
    { "steps_per_ms", G_STRUCT_OFFSET (NrtRunControl, points_entry) },
    { "realtime", G_STRUCT_OFFSET (NrtRunControl, realtime_entry) },
  };

  g_return_val_if_fail (NRT_IS_RUN_CONTROL (self), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (fields[i].name, name))
      return G_STRUCT_MEMBER (NrtNumberEntry *, self, fields[i].offset);
  return NULL;
}

const char *
nrt_run_control_get_dt_note (NrtRunControl *self)
{
  g_return_val_if_fail (NRT_IS_RUN_CONTROL (self), NULL);

  return self->dt_note_text;
}
