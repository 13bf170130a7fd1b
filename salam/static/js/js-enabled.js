// Loaded in <head> without defer, so styles for "js" apply before the first paint (no flash).
document.documentElement.classList.replace("no-js", "js");
