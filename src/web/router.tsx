import { createBrowserRouter, Navigate } from 'react-router-dom';
import { PublicOnly, RequireAuth } from './auth/guards';
import { SignInPage } from './auth/SignInPage';
import { SignUpPage } from './auth/SignUpPage';
import { AppLayout } from './layout/AppLayout';
import { AccountPage } from './pages/accounts/AccountPage';
import { AccountsListPage } from './pages/accounts/AccountsListPage';
import { ActivitiesListPage } from './pages/activities/ActivitiesListPage';
import { BoardPage } from './pages/board/BoardPage';
import { ContactPage } from './pages/contacts/ContactPage';
import { ContactsListPage } from './pages/contacts/ContactsListPage';
import { DealPage } from './pages/deals/DealPage';
import { DealsListPage } from './pages/deals/DealsListPage';
import { DuplicatesPage } from './pages/duplicates/DuplicatesPage';
import { MergePage } from './pages/duplicates/MergePage';
import { ImportsPage } from './pages/imports/ImportsPage';
import { ImportWizardPage } from './pages/imports/ImportWizardPage';
import { LeadPage } from './pages/leads/LeadPage';
import { LeadsListPage } from './pages/leads/LeadsListPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { reportsRoute } from './pages/reports/report-routes';
import { ApiKeysPage } from './pages/settings/ApiKeysPage';
import { AssignmentRulesPage } from './pages/settings/AssignmentRulesPage';
import { CustomFieldsPage } from './pages/settings/CustomFieldsPage';
import { DuplicateRulesPage } from './pages/settings/DuplicateRulesPage';
import { MembersPage } from './pages/settings/MembersPage';
import { PipelinesPage } from './pages/settings/PipelinesPage';
import { ScoringRulesPage } from './pages/settings/ScoringRulesPage';
import { TeamsPage } from './pages/settings/TeamsPage';
import { TasksPage } from './pages/tasks/TasksPage';
import { WorkloadPage } from './pages/workload/WorkloadPage';

export const router = createBrowserRouter([
  {
    element: <PublicOnly />,
    children: [
      { path: '/signin', element: <SignInPage /> },
      { path: '/signup', element: <SignUpPage /> },
    ],
  },
  {
    element: <RequireAuth />,
    children: [
      {
        element: <AppLayout />,
        children: [
          { path: '/', element: <Navigate to="/leads" replace /> },
          { path: '/leads', element: <LeadsListPage /> },
          { path: '/leads/:id', element: <LeadPage /> },
          { path: '/board', element: <BoardPage /> },
          { path: '/board/:pipelineId', element: <BoardPage /> },
          { path: '/contacts', element: <ContactsListPage /> },
          { path: '/contacts/:id', element: <ContactPage /> },
          { path: '/accounts', element: <AccountsListPage /> },
          { path: '/accounts/:id', element: <AccountPage /> },
          { path: '/deals', element: <DealsListPage /> },
          { path: '/deals/:id', element: <DealPage /> },
          { path: '/tasks', element: <TasksPage /> },
          { path: '/activities', element: <ActivitiesListPage /> },
          { path: '/duplicates', element: <Navigate to="/duplicates/contacts" replace /> },
          { path: '/duplicates/:entity', element: <DuplicatesPage /> },
          { path: '/duplicates/:entity/merge', element: <MergePage /> },
          { path: '/imports', element: <ImportsPage /> },
          { path: '/imports/new', element: <ImportWizardPage /> },
          { path: '/imports/:id', element: <ImportWizardPage /> },
          { path: '/settings', element: <Navigate to="/settings/members" replace /> },
          { path: '/settings/members', element: <MembersPage /> },
          { path: '/settings/api-keys', element: <ApiKeysPage /> },
          { path: '/settings/custom-fields', element: <CustomFieldsPage /> },
          { path: '/settings/duplicate-rules', element: <DuplicateRulesPage /> },
          { path: '/settings/scoring-rules', element: <ScoringRulesPage /> },
          { path: '/settings/pipelines', element: <PipelinesPage /> },
          { path: '/settings/teams', element: <TeamsPage /> },
          { path: '/settings/assignment-rules', element: <AssignmentRulesPage /> },
          { path: '/workload', element: <WorkloadPage /> },
          reportsRoute,
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
