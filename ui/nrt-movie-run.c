/* nrt-movie-run.c: Tools → Movie Run.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrt-ui-config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "nrt-movie-run.h"
#include "nrt-number-entry.h"
#include "nrt-window-private.h"

#define MIN_SECONDS_PER_STEP 0.001
#define DEFAULT_SECONDS_PER_STEP 0.01

struct _NrtMovieRun
{
  AdwWindow       parent_instance;

  NrtWindow      *main_window;   /* weak */
  NrtSession     *session;
  NrtModel       *model;
  gulong          status_id;
  gulong          changed_id;

  NrtNumberEntry *seconds_entry;
  GtkWidget      *run_button;
  GtkWidget      *stop_button;
  GtkLabel       *status_label;
  GtkLabel       *pace_label;

  double          seconds_per_step;
  gboolean        playing;
  gboolean        started;       /* the session has reported busy since start */
};

G_DEFINE_FINAL_TYPE (NrtMovieRun, nrt_movie_run, ADW_TYPE_WINDOW)

static double
compute_pace (NrtMovieRun *self)
{
  double ppm = 40;

  if (self->model != NULL)
    ppm = nrt_model_get_data (self->model)->settings.points_per_ms;
  if (!(ppm > 0))
    ppm = 40;
  return (1.0 / ppm) / self->seconds_per_step;
}

double
nrt_movie_run_get_pace (NrtMovieRun *self)
{
  g_return_val_if_fail (NRT_IS_MOVIE_RUN (self), 0);
  return compute_pace (self);
}

static void
update_labels (NrtMovieRun *self)
{
  g_autofree char *pace = NULL;
  g_autofree char *status = NULL;
  double t = self->session != NULL ? nrt_session_get_t (self->session) : 0;

  pace = g_strdup_printf (_("One plot interval every %g s: %.4g ms of model time per second"),
                          self->seconds_per_step, compute_pace (self));
  gtk_label_set_text (self->pace_label, pace);
  if (self->playing)
    status = g_strdup_printf (_("Playing · t = %.3f ms"), t);
  else
    status = g_strdup_printf (_("Stopped · t = %.3f ms"), t);
  gtk_label_set_text (self->status_label, status);
  gtk_widget_set_sensitive (self->stop_button, self->playing);
}

static void
finish (NrtMovieRun *self)
{
  self->playing = FALSE;
  self->started = FALSE;
  if (self->session != NULL)
    nrt_session_set_pace (self->session, 0);
  update_labels (self);
}

static void
on_status (NrtMovieRun *self)
{
  if (self->playing)
    {
      gboolean busy = nrt_session_get_busy (self->session);

      if (busy)
        self->started = TRUE;
      else if (self->started || !nrt_session_get_running (self->session))
        finish (self);
    }
  update_labels (self);
}

static void
on_model_changed (NrtMovieRun *self, const NrtChange *change)
{
  /* points_per_ms is part of the settings: a new plot interval changes the pace. */
  if (change != NULL && change->kind != NRT_CHANGE_SETTINGS)
    return;
  if (self->playing)
    nrt_session_set_pace (self->session, compute_pace (self));
  update_labels (self);
}

void
nrt_movie_run_start (NrtMovieRun *self)
{
  g_return_if_fail (NRT_IS_MOVIE_RUN (self));
  if (self->session == NULL)
    return;
  nrt_session_set_pace (self->session, compute_pace (self));
  nrt_session_run (self->session);
  self->playing = TRUE;
  self->started = FALSE;
  update_labels (self);
}

void
nrt_movie_run_stop (NrtMovieRun *self)
{
  g_return_if_fail (NRT_IS_MOVIE_RUN (self));
  if (self->session != NULL)
    nrt_session_stop (self->session);
  finish (self);
}

gboolean
nrt_movie_run_get_playing (NrtMovieRun *self)
{
  g_return_val_if_fail (NRT_IS_MOVIE_RUN (self), FALSE);
  return self->playing;
}

gboolean
nrt_movie_run_set_seconds_per_step (NrtMovieRun *self, double seconds)
{
  g_return_val_if_fail (NRT_IS_MOVIE_RUN (self), FALSE);
  if (!isfinite (seconds) || seconds < MIN_SECONDS_PER_STEP)
    return FALSE;
  self->seconds_per_step = seconds;
  nrt_number_entry_set_value (self->seconds_entry, seconds);
  if (self->playing)
    nrt_session_set_pace (self->session, compute_pace (self));
  update_labels (self);
  return TRUE;
}

double
nrt_movie_run_get_seconds_per_step (NrtMovieRun *self)
{
  g_return_val_if_fail (NRT_IS_MOVIE_RUN (self), 0);
  return self->seconds_per_step;
}

static void
on_seconds_committed (NrtNumberEntry *entry, double value, NrtMovieRun *self)
{
  if (!nrt_movie_run_set_seconds_per_step (self, value))
    nrt_number_entry_reject (entry, _("At least 0.001 s"));
}

static void
nrt_movie_run_dispose (GObject *object)
{
  NrtMovieRun *self = NRT_MOVIE_RUN (object);

  if (self->playing && self->session != NULL)
    nrt_session_set_pace (self->session, 0);
  self->playing = FALSE;
  if (self->session != NULL)
    g_clear_signal_handler (&self->status_id, self->session);
  if (self->model != NULL)
    g_clear_signal_handler (&self->changed_id, self->model);
  g_clear_object (&self->session);
  g_clear_object (&self->model);
  if (self->main_window != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->main_window),
                                    (gpointer *) &self->main_window);
      self->main_window = NULL;
    }
  G_OBJECT_CLASS (nrt_movie_run_parent_class)->dispose (object);
}

static void
nrt_movie_run_class_init (NrtMovieRunClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = nrt_movie_run_dispose;
}

static void
nrt_movie_run_init (NrtMovieRun *self)
{
  GtkWidget *box, *header, *buttons, *label;

  self->seconds_per_step = DEFAULT_SECONDS_PER_STEP;
  gtk_window_set_title (GTK_WINDOW (self), _("Movie Run"));
  gtk_window_set_default_size (GTK_WINDOW (self), 380, -1);
  gtk_window_set_resizable (GTK_WINDOW (self), FALSE);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  gtk_box_append (GTK_BOX (box), header);

  {
    GtkWidget *inner = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

    gtk_widget_set_margin_start (inner, 18);
    gtk_widget_set_margin_end (inner, 18);
    gtk_widget_set_margin_top (inner, 12);
    gtk_widget_set_margin_bottom (inner, 18);

    buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
    gtk_widget_set_halign (buttons, GTK_ALIGN_CENTER);
    gtk_box_set_homogeneous (GTK_BOX (buttons), TRUE);
    self->run_button = gtk_button_new_with_mnemonic (_("_Init &amp; Run"));
    gtk_label_set_use_markup (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (self->run_button))),
                              TRUE);
    gtk_widget_add_css_class (self->run_button, "suggested-action");
    gtk_widget_add_css_class (self->run_button, "pill");
    gtk_widget_set_tooltip_text (self->run_button,
                                 _("Initialise, then run to Tstop one plot interval per step"));
    self->stop_button = gtk_button_new_with_mnemonic (_("_Stop"));
    gtk_widget_add_css_class (self->stop_button, "pill");
    gtk_widget_set_tooltip_text (self->stop_button, _("Stop the movie"));
    g_signal_connect_swapped (self->run_button, "clicked", G_CALLBACK (nrt_movie_run_start),
                              self);
    g_signal_connect_swapped (self->stop_button, "clicked", G_CALLBACK (nrt_movie_run_stop),
                              self);
    gtk_box_append (GTK_BOX (buttons), self->run_button);
    gtk_box_append (GTK_BOX (buttons), self->stop_button);
    gtk_box_append (GTK_BOX (inner), buttons);

    self->seconds_entry = NRT_NUMBER_ENTRY (nrt_number_entry_new (_("Seconds per step (s)"),
                                                                  DEFAULT_SECONDS_PER_STEP,
                                                                  DEFAULT_SECONDS_PER_STEP));
    nrt_number_entry_set_range (self->seconds_entry, MIN_SECONDS_PER_STEP, INFINITY, FALSE);
    nrt_number_entry_set_step (self->seconds_entry, 0.01);
    gtk_editable_set_max_width_chars (nrt_number_entry_get_editable (self->seconds_entry), 8);
    g_signal_connect (self->seconds_entry, "value-committed",
                      G_CALLBACK (on_seconds_committed), self);
    gtk_box_append (GTK_BOX (inner), GTK_WIDGET (self->seconds_entry));

    label = gtk_label_new (NULL);
    gtk_label_set_xalign (GTK_LABEL (label), 0);
    gtk_label_set_wrap (GTK_LABEL (label), TRUE);
    gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
    gtk_widget_add_css_class (label, "caption");
    gtk_widget_add_css_class (label, "dim-label");
    self->pace_label = GTK_LABEL (label);
    gtk_box_append (GTK_BOX (inner), label);

    label = gtk_label_new (NULL);
    gtk_label_set_xalign (GTK_LABEL (label), 0);
    gtk_widget_add_css_class (label, "numeric");
    self->status_label = GTK_LABEL (label);
    gtk_box_append (GTK_BOX (inner), label);

    gtk_box_append (GTK_BOX (box), inner);
  }
  adw_window_set_content (ADW_WINDOW (self), box);
  update_labels (self);
}

void
nrt_movie_run_save_state (GtkWindow *movie_run, GKeyFile *kf, const char *group)
{
  int width, height;

  g_return_if_fail (NRT_IS_MOVIE_RUN (movie_run));
  g_return_if_fail (kf != NULL && group != NULL);

  g_key_file_set_string (kf, group, "type", "movie-run");
  g_key_file_set_double (kf, group, "seconds-per-step",
                         NRT_MOVIE_RUN (movie_run)->seconds_per_step);
  /* GTK keeps the default size up to date as the window is resized. */
  gtk_window_get_default_size (movie_run, &width, &height);
  g_key_file_set_integer (kf, group, "width", width);
  g_key_file_set_integer (kf, group, "height", height);
}

GtkWindow *
nrt_movie_run_new_from_state (NrtWindow *main_window, GKeyFile *kf, const char *group)
{
  g_autoptr(GError) error = NULL;
  GtkWindow *window;
  double seconds;
  int width, height;

  g_return_val_if_fail (NRT_IS_WINDOW (main_window), NULL);
  g_return_val_if_fail (kf != NULL && group != NULL, NULL);

  /* One Movie Run per model window, as Tools → Movie Run. */
  window = _nrt_window_find_tool (main_window, NRT_TYPE_MOVIE_RUN);
  if (window == NULL)
    window = nrt_movie_run_new (main_window);
  seconds = g_key_file_get_double (kf, group, "seconds-per-step", &error);
  if (error == NULL && !nrt_movie_run_set_seconds_per_step (NRT_MOVIE_RUN (window), seconds))
    g_debug ("Movie Run layout: refused seconds per step %g", seconds);
  width = g_key_file_get_integer (kf, group, "width", NULL);
  height = g_key_file_get_integer (kf, group, "height", NULL);
  if (width > 0 && height > 0)
    gtk_window_set_default_size (window, width, height);
  return window;
}

GtkWindow *
nrt_movie_run_new (NrtWindow *main_window)
{
  NrtMovieRun *self = g_object_new (NRT_TYPE_MOVIE_RUN, NULL);

  g_return_val_if_fail (NRT_IS_WINDOW (main_window), GTK_WINDOW (self));
  self->main_window = main_window;
  g_object_add_weak_pointer (G_OBJECT (main_window), (gpointer *) &self->main_window);
  self->session = g_object_ref (nrt_window_get_session (main_window));
  self->model = g_object_ref (nrt_window_get_model (main_window));
  self->status_id = g_signal_connect_swapped (self->session, "status", G_CALLBACK (on_status),
                                              self);
  self->changed_id = g_signal_connect_swapped (self->model, "changed",
                                               G_CALLBACK (on_model_changed), self);
  update_labels (self);
  nrt_window_add_tool (main_window, GTK_WINDOW (self));
  return GTK_WINDOW (self);
}
