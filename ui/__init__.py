"""The Gradio web chat: a thin adapter over `assistant` (build the page with ui.app.build_app)."""
