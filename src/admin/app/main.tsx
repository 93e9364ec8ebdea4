import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Route, Router, Switch } from "wouter";
import "@picocss/pico/css/pico.min.css";
import "./styles.css";
import { SessionProvider, useSessionState } from "./auth/session";
import { SignIn } from "./auth/SignIn";
import { Layout } from "./ui/layout";
import { ROUTES } from "./routes";

function Shell() {
  const { session } = useSessionState();
  if (!session) return <SignIn />;
  return (
    <Layout>
      <Switch>
        {ROUTES.map(({ path, page: PageComponent }) => (
          <Route key={path} path={path} component={PageComponent} />
        ))}
        <Route>
          <h1>Not found</h1>
          <p>There is no such page in the dashboard.</p>
        </Route>
      </Switch>
    </Layout>
  );
}

const root = document.getElementById("root");
if (root)
  createRoot(root).render(
    <StrictMode>
      <Router base="/admin">
        <SessionProvider>
          <Shell />
        </SessionProvider>
      </Router>
    </StrictMode>,
  );
