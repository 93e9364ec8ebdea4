import type { ReactNode } from "react";
import { Link, useRoute } from "wouter";
import { useSession } from "../auth/session";
import { can, type Ability } from "../auth/roles";

interface NavItem {
  href: string;
  label: string;
  needs: Ability;
}

/** The pages, in the order of the navigation; a page the role may not read is not listed. */
export const NAV: NavItem[] = [
  { href: "/", label: "Overview", needs: "readBusiness" },
  { href: "/customers", label: "Customers", needs: "readBusiness" },
  { href: "/licenses", label: "Licenses", needs: "readBusiness" },
  { href: "/plans", label: "Plans", needs: "readBusiness" },
  { href: "/analytics", label: "Analytics", needs: "readAnalytics" },
  { href: "/payments", label: "Payments", needs: "readBusiness" },
  { href: "/webhooks", label: "Webhook events", needs: "readBusiness" },
  { href: "/notifications", label: "Notifications", needs: "readNotifications" },
  { href: "/activity", label: "Activity", needs: "readBusiness" },
  { href: "/settings", label: "Settings", needs: "readSettings" },
  { href: "/api-testing", label: "API testing", needs: "readBusiness" },
];

function NavLink({ item }: { item: NavItem }) {
  const [exact] = useRoute(item.href);
  const [nested] = useRoute(`${item.href}/*`);
  const current = exact || (item.href !== "/" && nested);
  return (
    <li>
      <Link href={item.href} aria-current={current ? "page" : undefined}>
        {item.label}
      </Link>
    </li>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { name, role, signOut } = useSession();
  return (
    <>
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <header className="container-fluid top">
        <nav aria-label="Main">
          <ul>
            <li>
              <strong>Chatello admin</strong>
            </li>
          </ul>
          <ul className="nav-pages">
            {NAV.filter((item) => can(role, item.needs)).map((item) => (
              <NavLink key={item.href} item={item} />
            ))}
          </ul>
          <ul>
            <li>
              <span className="who">
                {name} ({role})
              </span>
            </li>
            <li>
              <button type="button" className="secondary outline" onClick={() => signOut("You signed out.")}>
                Sign out
              </button>
            </li>
          </ul>
        </nav>
      </header>
      <main id="content" className="container-fluid" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

/** What a role may not read: said plainly, rather than a page of errors. */
export function NotAllowed({ what }: { what: string }) {
  return <p role="alert">Your role cannot see {what}. Ask an owner for a token with more rights.</p>;
}
