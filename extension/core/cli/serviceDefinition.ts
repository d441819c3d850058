/**
 * The text of the per-user service that keeps the runner up: a systemd user unit, a
 * launchd agent plist, or a Task Scheduler task. Pure functions of a ServicePlan, so
 * `--dry-run` prints exactly what `install` writes. No secret is ever part of a plan:
 * the runner reads them at start from `.env` (in the working directory) or
 * DISPATCH_HOME/secrets.json.
 */
export interface ServicePlan {
  /** What runs: node, then the dispatch script and its arguments. */
  program: string;
  args: string[];
  workingDirectory: string;
  /** Non-secret settings only (see serviceEnvironment). */
  environment: Record<string, string>;
  /** Where stdout and stderr go; `dispatch service logs` reads it. */
  logFile: string;
  description: string;
}

export const SYSTEMD_UNIT = 'dispatch.service';
export const LAUNCHD_LABEL = 'com.dispatch.runner';
export const WINDOWS_TASK = 'Dispatch';

/** systemd quoting: one word per argument; `%` is a specifier and `$` a variable to systemd. */
function systemdWord(value: string): string {
  const escaped = value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$');
  return /[\s"'\\;]/.test(value) || value === '' ? `"${escaped}"` : escaped;
}

/**
 * A systemd user unit. Restart=on-failure, with growing delays where systemd has them
 * (RestartSteps, 254+) and a fixed delay before that; StartLimitIntervalSec=0 so it never
 * gives up. After the network where the manager knows network-online.target; the runner's
 * link reconnects with its own backoff either way.
 */
export function systemdUnit(plan: ServicePlan, systemdVersion: number): string {
  const backoff =
    systemdVersion >= 254 ? ['RestartSec=2', 'RestartSteps=8', 'RestartMaxDelaySec=300'] : ['RestartSec=10'];
  const env = Object.entries(plan.environment).map(([name, value]) => `Environment=${systemdWord(`${name}=${value}`)}`);
  return [
    '[Unit]',
    `Description=${plan.description}`,
    'Documentation=https://github.com/dispatch-oss/dispatch#always-on',
    'After=network-online.target',
    'Wants=network-online.target',
    'StartLimitIntervalSec=0',
    '',
    '[Service]',
    'Type=simple',
    `WorkingDirectory=${plan.workingDirectory.replace(/%/g, '%%')}`,
    `ExecStart=${[plan.program, ...plan.args].map(systemdWord).join(' ')}`,
    ...env,
    'Restart=on-failure',
    ...backoff,
    // SIGTERM lets the runner journal its sessions as interrupted and close the link.
    'KillMode=mixed',
    'TimeoutStopSec=20',
    `StandardOutput=append:${plan.logFile}`,
    `StandardError=append:${plan.logFile}`,
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

function xml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/**
 * A launchd agent. KeepAlive restarts it when it exits with a failure; launchd throttles
 * respawns (ThrottleInterval). RunAtLoad starts it at login.
 */
export function launchdPlist(plan: ServicePlan): string {
  const strings = (values: string[]) => values.map((value) => `      <string>${xml(value)}</string>`).join('\n');
  const env = Object.entries(plan.environment)
    .map(([name, value]) => `      <key>${xml(name)}</key>\n      <string>${xml(value)}</string>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
  <dict>
    <key>Label</key>
    <string>${LAUNCHD_LABEL}</string>
    <key>ProgramArguments</key>
    <array>
${strings([plan.program, ...plan.args])}
    </array>
    <key>WorkingDirectory</key>
    <string>${xml(plan.workingDirectory)}</string>
    <key>EnvironmentVariables</key>
    <dict>
${env}
    </dict>
    <key>RunAtLoad</key>
    <true/>
    <key>KeepAlive</key>
    <dict>
      <key>SuccessfulExit</key>
      <false/>
    </dict>
    <key>ThrottleInterval</key>
    <integer>10</integer>
    <key>ProcessType</key>
    <string>Background</string>
    <key>StandardOutPath</key>
    <string>${xml(plan.logFile)}</string>
    <key>StandardErrorPath</key>
    <string>${xml(plan.logFile)}</string>
  </dict>
</plist>
`;
}

/** cmd.exe quoting for one argument (Windows paths cannot contain a double quote). */
function cmdWord(value: string): string {
  return `"${value.replace(/"/g, '')}"`;
}

/**
 * A Task Scheduler task that starts at logon, only with a network, restarts on failure
 * (every minute, many times) and never times out. A task has no environment block and no
 * output redirection, so cmd.exe sets the settings and appends the output to the log file.
 */
export function windowsTaskXml(plan: ServicePlan, userId: string): string {
  const sets = Object.entries(plan.environment)
    .filter(([name]) => name !== 'PATH') // the logon session's own PATH is the user's
    .map(([name, value]) => `set "${name}=${value.replace(/"/g, '')}" && `)
    .join('');
  const line = `${sets}${[plan.program, ...plan.args].map(cmdWord).join(' ')} >> ${cmdWord(plan.logFile)} 2>&1`;
  return `<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>${xml(plan.description)}</Description>
    <URI>\\${WINDOWS_TASK}</URI>
  </RegistrationInfo>
  <Triggers>
    <LogonTrigger>
      <Enabled>true</Enabled>
      <UserId>${xml(userId)}</UserId>
    </LogonTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <UserId>${xml(userId)}</UserId>
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <StartWhenAvailable>true</StartWhenAvailable>
    <RunOnlyIfNetworkAvailable>true</RunOnlyIfNetworkAvailable>
    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>
    <RestartOnFailure>
      <Interval>PT1M</Interval>
      <Count>999</Count>
    </RestartOnFailure>
    <Enabled>true</Enabled>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>cmd.exe</Command>
      <Arguments>${xml(`/d /s /c "${line}"`)}</Arguments>
      <WorkingDirectory>${xml(plan.workingDirectory)}</WorkingDirectory>
    </Exec>
  </Actions>
</Task>
`;
}
