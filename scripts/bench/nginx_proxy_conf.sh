# Sourced by scripts/bench.sh and scripts/bench/callgrind.sh: the nginx configuration of G2,
# proxy_pass to the echo stub with kept-alive upstream connections, in one worker.
#   nginx_proxy_conf DIR PORT STUB_URL [MASTER]   writes DIR/nginx.conf (MASTER: on or off, the
#   default on; off runs nginx as one process, as callgrind needs it)
nginx_proxy_conf() {
  local dir=$1 port=$2 stub_url=$3 master=${4:-on}
  cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
master_process $master;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
    access_log $dir/access.log;
    client_body_temp_path $dir/client_body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    upstream echo_stub { server ${stub_url#http://}; keepalive 64; }
    server {
        listen 127.0.0.1:$port;
        location / {
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_pass http://echo_stub;
        }
    }
}
CONF
}
