/* nrt-window-private.h: the main window's instance struct, shared by its .c files and tests.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nrt-window.h"
#include "nrt-stick-view.h"

G_BEGIN_DECLS

/* What to do once the user has dealt with unsaved changes. */
typedef enum {
  NRT_PENDING_NONE,
  NRT_PENDING_CLOSE,
  NRT_PENDING_OPEN,
  NRT_PENDING_NEW,
  NRT_PENDING_OPEN_RECENT,
} NrtPending;

struct _NrtWindow
{
  AdwApplicationWindow parent_instance;

  NrtModel        *model;
  GFile           *file;
  gulong           changed_id;
  NrtSession      *session;
  gulong           status_id;
  gulong           error_id;
  GPtrArray       *tools;          /* of GtkWindow*, owned refs, oldest first */
  guint            n_toasts;
  guint            close_confirmed : 1;

  /* template children */
  AdwToastOverlay *toast_overlay;
  AdwWindowTitle  *window_title;
  NrtStickView    *stick_view;
  GtkLabel        *run_state;
  GtkLabel        *time_label;
  GtkLabel        *summary;
  GtkLabel        *rate_label;
  GMenu           *tools_section;  /* the Window menu's list of tool windows */
  GMenu           *recent_section; /* File → Open Recent */
  gulong           recent_id;
  char            *pending_uri;    /* Open Recent, after the save prompt */
};

/* nrt-window-actions.c */
void _nrt_window_class_install_actions (GtkWidgetClass *widget_class);
void _nrt_window_update_actions        (NrtWindow      *self);
/* Runs what, after asking to save when the model has unsaved changes. */
void _nrt_window_confirm_then          (NrtWindow      *self,
                                        NrtPending      what);

/* nrt-window.c */
void _nrt_window_close_tools           (NrtWindow      *self);
void _nrt_window_update_run_state      (NrtWindow      *self);
/* Layout persistence: the open tools as GKeyFile text, and back. (transfer full) */
char *_nrt_window_save_layout          (NrtWindow      *self);
void _nrt_window_restore_layout        (NrtWindow      *self,
                                        const char     *text);
/* nrt-window-actions.c */
void _nrt_window_update_recent         (NrtWindow      *self);
void _nrt_window_add_recent            (NrtWindow      *self,
                                        GFile          *file);

/* For the ui tests. */
AdwWindowTitle *_nrt_window_get_window_title (NrtWindow *self);
NrtStickView   *_nrt_window_get_stick_view   (NrtWindow *self);
GtkLabel       *_nrt_window_get_summary      (NrtWindow *self);
/* Finds the open tool of type, or NULL. */
GtkWindow      *_nrt_window_find_tool        (NrtWindow *self,
                                              GType      type);
/* The number of toasts shown since the window opened. */
guint           _nrt_window_get_n_toasts     (NrtWindow *self);
GtkLabel       *_nrt_window_get_run_state    (NrtWindow *self);
GtkLabel       *_nrt_window_get_time_label   (NrtWindow *self);
GMenuModel     *_nrt_window_get_tools_menu   (NrtWindow *self);

G_END_DECLS
