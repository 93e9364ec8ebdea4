// The Settings page lives in ./settings/ (one file per section); the route imports it from here.
export { SettingsPage } from "./settings/settings-page";
